/** Names and limits of the Redis sink. Keys the sink writes for itself start with `sb:`. */
export const SINK_NAME = 'kafka-to-redis';

export const SINK_KEYS = {
  /** Per topic-partition offset watermark: `sb:wm:<consumer group>:<topic>:<partition>`. */
  watermarkPrefix: 'sb:wm:',
  /** Version of a cache entry (and the tombstone marker after a delete): `sb:ver:<key>`. */
  versionPrefix: 'sb:ver:',
  /**
   * Change ids already appended to a stream (a sorted set by entry time, trimmed with the stream): a change
   * a bridge produced twice (retried after a crash) is appended once. `sb:seen:<key>`.
   */
  seenPrefix: 'sb:seen:',
  /**
   * Refused writes of applied calls whose records are not dead-lettered yet, per watermark (same hash slot):
   * `sb:refused:<consumer group>:<topic>:<partition>`.
   */
  refusalsPrefix: 'sb:refused:',
} as const;

export const SINK_DEFAULTS = {
  /**
   * Script arguments per call before a partition's batch is cut into chunks (each chunk is still atomic
   * with its watermark). Keeps one script's run to a few milliseconds, so other clients are not stalled.
   */
  maxArgsPerCall: 20_000,
  /** Bytes of arguments per call before cutting a chunk (large cache values). */
  maxBytesPerCall: 2 * 1024 * 1024,
  /**
   * How long a deleted cache entry's version marker lives: an older write arriving later than this after
   * the delete would bring the entry back. Longer than the event source's maximum record age (7 days max).
   */
  tombstoneTtlSeconds: 8 * 86_400,
  /**
   * Watermark keys expire this long after their last write (refreshed by every applied batch). Longer than
   * any redelivery can lag behind (maximum record age is 7 days), so an expired watermark is never needed.
   */
  watermarkTtlSeconds: 14 * 86_400,
  /** No new chunk is started with less than this left in the invocation: the rest is reported failed. */
  deadlineMarginMs: 1_500,
} as const;

/** Arguments per Redis command inside the script: Lua's `unpack` refuses about 8 000. */
export const MAX_ARGS_PER_COMMAND = 1_000;

/** Redis Cluster hash slots. */
export const CLUSTER_SLOTS = 16_384;
