/**
 * Nearest-rank percentiles of latency samples.
 *
 * @example
 * ```ts
 * latencyPercentiles([5, 1, 9, 3], 0); // { samples: 4, timeouts: 0, p50: 3, p95: 9, p99: 9, max: 9 }
 * latencyTrend([{ at: 0, ms: 900 }, { at: 5, ms: 1000 }, { at: 10, ms: 2500 }]); // 1600
 * ```
 */
import type { LatencyPercentiles, LatencySummary, PathLatency } from './types';

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function latencyPercentiles(samples: readonly number[], timeouts: number): LatencyPercentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    timeouts,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : null,
  };
}

/** Fewest probes in each third before a trend is given. */
const MIN_TREND_SAMPLES = 5;

/**
 * How much the latency grew over a run: the median of the probes started in its last third minus the median
 * of those in its first third (by write time), or null with too few probes. A pipeline that keeps up stays
 * near 0; one that falls behind grows by its backlog.
 */
export function latencyTrend(
  samples: readonly { readonly at: number; readonly ms: number }[],
): number | null {
  if (samples.length === 0) return null;
  // A loop, not Math.min(...): a run of hours holds more samples than a call takes arguments.
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { at } of samples) {
    if (at < first) first = at;
    if (at > last) last = at;
  }
  const third = (last - first) / 3;
  const median = (values: number[]) =>
    percentile(
      values.sort((a, b) => a - b),
      50,
    );
  const early = samples.filter((s) => s.at <= first + third).map((s) => s.ms);
  const late = samples.filter((s) => s.at >= first + 2 * third).map((s) => s.ms);
  if (early.length < MIN_TREND_SAMPLES || late.length < MIN_TREND_SAMPLES) return null;
  return (median(late) as number) - (median(early) as number);
}

/** p50 and p99 of each path's samples, and its probes that timed out, paths in name order. */
export function latencyByPath(
  samples: readonly { readonly path: string; readonly ms: number }[],
  timedOut: readonly string[] = [],
): Record<string, PathLatency> {
  const byPath = new Map<string, number[]>();
  for (const path of timedOut) if (!byPath.has(path)) byPath.set(path, []);
  for (const { path, ms } of samples) {
    const values = byPath.get(path);
    if (values) values.push(ms);
    else byPath.set(path, [ms]);
  }
  const result: Record<string, PathLatency> = {};
  for (const path of [...byPath.keys()].sort()) {
    const sorted = (byPath.get(path) as number[]).sort((a, b) => a - b);
    const timeouts = timedOut.filter((p) => p === path).length;
    result[path] = {
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      ...(timeouts > 0 ? { timeouts } : {}),
    };
  }
  return result;
}

/**
 * A run's latency summary: the percentiles, trend and paths of the probes of events written from
 * `measureFrom` on, and with a warm-up (`warmupMs` > 0) those written before it apart, as `warmup`.
 *
 * @example
 * ```ts
 * latencySummary([{ at: 0, ms: 4000, path: 'a' }, { at: 30_000, ms: 900, path: 'a' }], [], 20_000, 20_000);
 * // { samples: 1, p99: 900, …, warmup: { ms: 20000, samples: 1, p99: 4000, … } }
 * ```
 */
export function latencySummary(
  samples: readonly { readonly at: number; readonly ms: number; readonly path: string }[],
  timedOut: readonly { readonly at: number; readonly path: string }[],
  measureFrom: number,
  warmupMs: number,
): LatencySummary {
  const measured = samples.filter((s) => s.at >= measureFrom);
  const measuredTimeouts = timedOut.filter((t) => t.at >= measureFrom).map((t) => t.path);
  const summary: LatencySummary = {
    ...latencyPercentiles(
      measured.map((s) => s.ms),
      measuredTimeouts.length,
    ),
    trendMs: latencyTrend(measured),
    byPath: latencyByPath(measured, measuredTimeouts),
  };
  if (warmupMs <= 0) return summary;
  const warm = latencyPercentiles(
    samples.filter((s) => s.at < measureFrom).map((s) => s.ms),
    timedOut.filter((t) => t.at < measureFrom).length,
  );
  return { ...summary, warmup: { ms: warmupMs, ...warm } };
}
