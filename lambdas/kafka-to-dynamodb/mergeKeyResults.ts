import type { PoisonFinding } from '../core/sink/errors';
import type { KeyResult, MappingResult } from './types';

/**
 * One mapping's result from what writing each of its keys came to, and the poison found before writing:
 * every finding and duplicate, and when keys failed, the lowest offset any of them left unapplied (it and
 * everything after it must be redelivered) with the first failed key's error.
 *
 * @example
 * ```ts
 * const results = await mapConcurrently(keys, DYNAMO_WRITES.concurrency, (key) => applyKey(key));
 * return mergeKeyResults(poison, results);
 * ```
 */
export function mergeKeyResults(
  poison: readonly PoisonFinding[],
  results: readonly KeyResult[],
): MappingResult {
  const failed = results.filter((r) => r.failedAt !== undefined);
  const unverified = results.flatMap((r) => r.unverified ?? []);
  return {
    ...(unverified.length > 0 ? { unverified } : {}),
    poison: [...poison, ...results.flatMap((r) => r.poison)],
    duplicates: results.flatMap((r) => r.duplicates),
    ...(failed.length > 0
      ? {
          failedAt: Math.min(...failed.map((r) => r.failedAt as number)),
          failure: failed[0]?.failure,
        }
      : {}),
  };
}
