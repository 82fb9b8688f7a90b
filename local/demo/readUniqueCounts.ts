/**
 * Reads the sinks' unique counts (Redis HyperLogLogs) in a way their estimation error cannot blur. Comparing
 * a PFCOUNT with the number of expected elements needs a tolerance, and Redis's estimate can stray beyond any
 * small one (a key of 59 visitors read as 56). Redis's HyperLogLog is deterministic, so for each key the
 * reader asks Redis itself:
 * - whether adding the expected elements to a copy of the sink's HyperLogLog changes it: if it does, some
 *   expected element is certainly absent (an absent one whose register another element already set goes
 *   unseen: the check is never wrong when it reports, and misses little);
 * - what a HyperLogLog of exactly the expected elements counts: the sink's key, holding those and no others,
 *   reads the same.
 * The copies are scratch keys in the key's own hash slot, deleted in the same round trip.
 */
import type { Redis } from 'ioredis';
import type { ObservedUnique } from './types';

/** Keys per pipelined round trip (each key sends eight commands). */
const KEYS_PER_ROUND_TRIP = 50;

/** Scratch keys in the key's slot (`{key}` is its hash tag) that cannot clash with a sink's own keys. */
function scratchKeys(key: string): [string, string] {
  return [`{${key}}:sb-verify-with-expected`, `{${key}}:sb-verify-expected-only`];
}

/**
 * The observation of each HyperLogLog key against the elements it should hold.
 *
 * @example
 * ```ts
 * const uniques = await readUniqueCounts(redis, new Map([['visitors:home:20261205', new Set(['u1', 'u2'])]]));
 * uniques.get('visitors:home:20261205'); // { count: 2, missingSome: false, countWithExpected: 2, expectedCount: 2 }
 * ```
 */
export async function readUniqueCounts(
  redis: Redis,
  expected: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<Map<string, ObservedUnique>> {
  const keys = [...expected.keys()];
  const observed = new Map<string, ObservedUnique>();
  for (let start = 0; start < keys.length; start += KEYS_PER_ROUND_TRIP) {
    const chunk = keys.slice(start, start + KEYS_PER_ROUND_TRIP);
    const pipeline = redis.pipeline();
    for (const key of chunk) {
      const elements = [...(expected.get(key) ?? [])];
      const [withExpected, expectedOnly] = scratchKeys(key);
      pipeline.pfcount(key);
      pipeline.call('COPY', key, withExpected, 'REPLACE');
      pipeline.pfadd(withExpected, ...elements);
      pipeline.pfcount(withExpected);
      pipeline.del(expectedOnly);
      pipeline.pfadd(expectedOnly, ...elements);
      pipeline.pfcount(expectedOnly);
      pipeline.del(withExpected, expectedOnly);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    chunk.forEach((key, index) => {
      const at = index * 8;
      const value = (offset: number) => Number(replies[at + offset]?.[1] ?? 0);
      observed.set(key, {
        count: value(0),
        missingSome: value(2) === 1,
        countWithExpected: value(3),
        expectedCount: value(6),
      });
    });
  }
  return observed;
}
