/**
 * The end-of-run summary as text for people (the JSON form is the summary object itself).
 *
 * @example
 * ```ts
 * console.log(summaryText(summary).join('\n'));
 * ```
 */
import type { DemoSummary } from './types';

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
    `  lost            ${summary.lost}`,
    `  double-applied  ${summary.doubleApplied}`,
    `  mismatched      ${summary.mismatched}`,
    `  latency         p50 ${l.p50 ?? '-'}ms · p95 ${l.p95 ?? '-'}ms · p99 ${l.p99 ?? '-'}ms · max ${l.max ?? '-'}ms (${l.samples} samples${l.timeouts > 0 ? `, ${l.timeouts} timed out` : ''})`,
  ];
  if (summary.deadLetters.onFailureBatches > 0)
    lines.push(
      `  on-failure      ${summary.deadLetters.onFailureBatches} batch record(s) sent to an on-failure destination`,
    );
  lines.push('  checks:');
  for (const check of summary.checks) {
    const bad = check.lost + check.doubleApplied + check.mismatched > 0;
    lines.push(
      `    ${bad ? '✗' : '✓'} ${check.effect.padEnd(32)} ${String(check.expected).padStart(6)} events${bad ? ` · lost ${check.lost} · double ${check.doubleApplied} · mismatched ${check.mismatched}` : ''}`,
    );
    for (const example of check.examples) lines.push(`        ${example}`);
  }
  lines.push(summary.ok ? 'RESULT: OK — every event applied or dead-lettered, none twice' : 'RESULT: FAILED');
  return lines;
}
