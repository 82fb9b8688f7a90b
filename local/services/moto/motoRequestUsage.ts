/**
 * What the moto server spent between two status reads, by caller and operation (`MotoStatus.requests`):
 * the bench and the demo use it to say which requests a generated event costs and which are expensive.
 */
import type { MotoOperationUsage, MotoStatus } from './types';

/** Usage of one `<caller> <service>:<Action>` over a window. */
export interface OperationUsage extends MotoOperationUsage {
  readonly operation: string;
}

/** The requests served between `before` and `after`, most CPU first. */
export function requestUsageBetween(before: MotoStatus, after: MotoStatus): OperationUsage[] {
  const earlier = before.requests ?? {};
  return Object.entries(after.requests ?? {})
    .map(([operation, usage]) => {
      const was = earlier[operation];
      return {
        operation,
        count: usage.count - (was?.count ?? 0),
        cpuMs: Math.round((usage.cpuMs - (was?.cpuMs ?? 0)) * 10) / 10,
        wallMs: Math.round((usage.wallMs - (was?.wallMs ?? 0)) * 10) / 10,
      };
    })
    .filter((usage) => usage.count > 0)
    .sort((a, b) => b.cpuMs - a.cpuMs || b.count - a.count);
}

/** Totals of a window. */
export function totalUsage(usages: readonly OperationUsage[]): MotoOperationUsage {
  return usages.reduce(
    (sum, u) => ({ count: sum.count + u.count, cpuMs: sum.cpuMs + u.cpuMs, wallMs: sum.wallMs + u.wallMs }),
    { count: 0, cpuMs: 0, wallMs: 0 },
  );
}

/** A plain-text table: per operation, requests and CPU per generated event, CPU per request, share of CPU. */
export function requestUsageTable(usages: readonly OperationUsage[], events: number): string {
  const total = totalUsage(usages);
  const per = (value: number) => (events > 0 ? value / events : 0);
  const rows = usages.map((u) => [
    u.operation,
    per(u.count).toFixed(3),
    per(u.cpuMs).toFixed(3),
    (u.cpuMs / u.count).toFixed(2),
    `${total.cpuMs > 0 ? Math.round((100 * u.cpuMs) / total.cpuMs) : 0} %`,
  ]);
  const header = ['caller operation', 'requests/event', 'CPU ms/event', 'CPU ms/request', 'of CPU'];
  const all = [
    header,
    ...rows,
    [
      'total',
      per(total.count).toFixed(3),
      per(total.cpuMs).toFixed(3),
      (total.cpuMs / Math.max(1, total.count)).toFixed(2),
      '100 %',
    ],
  ];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}
