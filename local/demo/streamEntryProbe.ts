/**
 * The latency probe's check for a reading in a device's Redis stream: whether an entry with the reading's
 * own `ts` has been appended. Entries are appended in arrival order (`XADD … *`), and a device's readings may
 * arrive out of order (they are different items, copied and bridged side by side), so the newest entry says
 * nothing about this one: a later reading that arrives first would show it early, an earlier one that
 * arrives after it would hide it. Each check reads only what was appended since the last one (a cursor on
 * the entry ids), so a stream that has passed its cap is no harder to probe.
 *
 * @example
 * ```ts
 * const seen = streamEntryProbe(redis, 'readings:dev-01', 1733450000123);
 * await seen(); // false until the entry with ts 1733450000123 is in the stream
 * ```
 */
import type { Redis } from 'ioredis';

/** Entries the first check looks back over: those appended before the probe began (a reading is never that early). */
export const STREAM_PROBE_LOOKBACK = 100;
/** Entries read per call after the first check; a check reads pages until it has caught up, at most PAGES. */
export const STREAM_PROBE_PAGE = 200;
const PAGES = 10;

export function streamEntryProbe(redis: Redis, key: string, ts: number): () => Promise<boolean> {
  /** The id of the newest entry already looked at; undefined before the first check. */
  let after: string | undefined;
  const holds = (fields: string[]): boolean => {
    for (let i = 0; i + 1 < fields.length; i += 2)
      if (fields[i] === 'ts') return Number(fields[i + 1]) === ts;
    return false;
  };
  return async () => {
    if (after === undefined) {
      const newest = await redis.xrevrange(key, '+', '-', 'COUNT', STREAM_PROBE_LOOKBACK);
      after = newest[0]?.[0] ?? '0-0';
      return newest.some(([, fields]) => holds(fields));
    }
    for (let page = 0; page < PAGES; page++) {
      const entries: [id: string, fields: string[]][] = await redis.xrange(
        key,
        `(${after}`,
        '+',
        'COUNT',
        STREAM_PROBE_PAGE,
      );
      const last = entries.at(-1);
      if (!last) return false;
      after = last[0];
      if (entries.some(([, fields]) => holds(fields))) return true;
      if (entries.length < STREAM_PROBE_PAGE) return false;
    }
    return false;
  };
}
