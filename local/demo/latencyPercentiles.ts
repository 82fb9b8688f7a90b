/**
 * Nearest-rank percentiles of latency samples.
 *
 * @example
 * ```ts
 * latencyPercentiles([5, 1, 9, 3], 0); // { samples: 4, timeouts: 0, p50: 3, p95: 9, p99: 9, max: 9 }
 * ```
 */
import type { LatencySummary } from './types';

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function latencyPercentiles(samples: readonly number[], timeouts: number): LatencySummary {
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
