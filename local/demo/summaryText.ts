/**
 * The end-of-run summary as text for people (the JSON form is the summary object itself).
 *
 * @example
 * ```ts
 * console.log(summaryText(summary).join('\n'));
 * ```
 */
import type { DemoEventKind, DemoSummary, KindAccounting, LatencyPercentiles } from './types';

/** ` (click 2 · telemetry 1)`: the kinds a figure comes from, when any. */
function byKind(summary: DemoSummary, field: keyof KindAccounting): string {
  const parts = (Object.entries(summary.byKind) as [DemoEventKind, KindAccounting][])
    .filter(([, accounting]) => accounting[field] > 0)
    .map(([kind, accounting]) => `${kind} ${accounting[field]}`);
  return parts.length > 0 ? ` (${parts.join(' · ')})` : '';
}

/** The last line: OK, or FAILED with every reason. */
export function resultLine(summary: DemoSummary): string {
  if (!summary.ok) {
    const reasons = [
      ...summary.failures,
      ...(summary.lost > 0 ? [`${summary.lost} lost`] : []),
      ...(summary.doubleApplied > 0 ? [`${summary.doubleApplied} double-applied`] : []),
      ...(summary.mismatched > 0 ? [`${summary.mismatched} mismatched`] : []),
    ];
    return `RESULT: FAILED — ${reasons.join('; ')}`;
  }
  const unverified = [
    ...(summary.unverified > 0 ? [`${summary.unverified} could not be verified`] : []),
    ...(summary.expired > 0 ? [`${summary.expired} expired by TTL first`] : []),
  ];
  const unverifiedText = unverified.length > 0 ? ` (${unverified.join(', ')})` : '';
  return `RESULT: OK — every verified event applied or dead-lettered, none twice${unverifiedText}`;
}

export function summaryText(summary: DemoSummary): string[] {
  const l = summary.latencyMs;
  const kinds = Object.entries(summary.eventsByKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(' · ');
  const lines = [
    '',
    `streambridge demo summary · run ${summary.runTag} · seed ${summary.seed} · ${(summary.durationMs / 1000).toFixed(1)}s`,
    `  events          ${summary.events} (${kinds})`,
    `  applied         ${summary.applied}`,
    `  dead-lettered   ${summary.deadLettered}${
      Object.keys(summary.deadLetters.reasons).length > 0
        ? ` (${Object.entries(summary.deadLetters.reasons)
            .map(([r, n]) => `${r} ×${n}`)
            .join(', ')})`
        : ''
    }`,
    `  lost            ${summary.lost}${byKind(summary, 'lost')}`,
    `  unverified      ${summary.unverified}${byKind(summary, 'unverified')}`,
    `  expired (TTL)   ${summary.expired}${byKind(summary, 'expired')}`,
    `  double-applied  ${summary.doubleApplied}${byKind(summary, 'doubleApplied')}`,
    `  mismatched      ${summary.mismatched}`,
    `  latency         ${percentilesText(l)}${l.warmup ? ` after the first ${l.warmup.ms / 1000} s` : ''}`,
    ...Object.entries(l.byPath ?? {}).map(
      ([path, p]) =>
        `    ${path.padEnd(26)} p50 ${p.p50 ?? '-'}ms · p99 ${p.p99 ?? '-'}ms (${p.samples}${p.timeouts ? `, ${p.timeouts} timed out` : ''})`,
    ),
    ...(l.warmup ? [`    warm-up, first ${l.warmup.ms / 1000} s   ${percentilesText(l.warmup)}`] : []),
  ];
  if (summary.deadLetters.onFailureBatches > 0)
    lines.push(
      `  on-failure      ${summary.deadLetters.onFailureBatches} batch record(s) sent to an on-failure destination`,
    );
  lines.push('  checks:');
  for (const check of summary.checks) {
    const bad = check.lost + check.doubleApplied + check.mismatched > 0;
    const mark = bad ? '✗' : check.unverified + check.expired > 0 ? '?' : '✓';
    const figures = bad
      ? ` · lost ${check.lost} · double ${check.doubleApplied} · mismatched ${check.mismatched}`
      : '';
    const unverified = `${check.unverified > 0 ? ` · unverified ${check.unverified}` : ''}${
      check.expired > 0 ? ` · expired ${check.expired}` : ''
    }${check.deadLettered ? ` · dead-lettered ${check.deadLettered}` : ''}`;
    lines.push(
      `    ${mark} ${check.effect.padEnd(32)} ${String(check.expected).padStart(6)} events${figures}${unverified}`,
    );
    for (const example of check.examples) lines.push(`        ${example}`);
  }
  lines.push(resultLine(summary));
  return lines;
}

/** `p50 …ms · p95 …ms · p99 …ms · max …ms (n samples, k timed out)`. */
function percentilesText(l: LatencyPercentiles): string {
  return `p50 ${l.p50 ?? '-'}ms · p95 ${l.p95 ?? '-'}ms · p99 ${l.p99 ?? '-'}ms · max ${l.max ?? '-'}ms (${l.samples} samples${l.timeouts > 0 ? `, ${l.timeouts} timed out` : ''})`;
}
