/**
 * The end-of-run summary object: the run's facts and its final verification, in the shape `--json`
 * prints and summaryText.ts renders.
 *
 * @example
 * ```ts
 * const summary = demoSummary({ runTag, seed, durationMs, eventsByKind, latencyMs }, verification);
 * process.exitCode = summary.ok ? 0 : 1;
 * ```
 */
import type { DemoEventKind, DemoSummary, LatencySummary } from './types';
import type { Verification } from './verifyResults';

export interface DemoRunFacts {
  readonly runTag: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly eventsByKind: Readonly<Record<DemoEventKind, number>>;
  readonly latencyMs: LatencySummary;
}

export function demoSummary(run: DemoRunFacts, verification: Verification): DemoSummary {
  return {
    runTag: run.runTag,
    seed: run.seed,
    durationMs: run.durationMs,
    events: Object.values(run.eventsByKind).reduce((a, b) => a + b, 0),
    eventsByKind: { ...run.eventsByKind },
    applied: verification.applied,
    deadLettered: verification.deadLettered,
    lost: verification.lost,
    unverified: verification.unverified,
    expired: verification.expired,
    doubleApplied: verification.doubleApplied,
    mismatched: verification.mismatched,
    byKind: verification.byKind,
    failures: verification.failures,
    latencyMs: run.latencyMs,
    deadLetters: verification.deadLetters,
    checks: verification.checks,
    ok: verification.ok,
  };
}
