/** Constants of the Redis sink: its own keys, limits, metrics and client settings. */

/** Keys the sink writes for itself; they all start with `sb:`. */
export const REDIS_SINK_KEYS = {
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
  /**
   * A threshold mapping's keys, all in one hash slot (`{<mapping>}`): per-key state, current alerts, last
   * reading times, the alert outbox and the watermarks. `sb:thr:{<mapping>}:state` …
   */
  thresholdPrefix: 'sb:thr:',
  /**
   * Per topic-partition dead-letter watermark: the highest offset whose poison was dead-lettered, so a
   * redelivery does not send it again. `sb:dl:<consumer group>:<topic>:<partition>`.
   */
  deadLetteredPrefix: 'sb:dl:',
  /**
   * Per watermark (same hash slot), the owed ledger: offsets at or below the watermark the sink did not
   * apply (dead-lettered records, gaps before a batch that went to the failure-record bucket), as a sorted
   * set of `first-last` ranges scored by `first`; a replay applies exactly those. `sb:owed:<group>:<topic>:<partition>`.
   */
  owedPrefix: 'sb:owed:',
} as const;

export const REDIS_SINK_DEFAULTS = {
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
  /**
   * Ranges an owed ledger keeps at most (oldest trimmed first); it also expires with its watermark's TTL.
   * Each dead letter or gap adds one range (adjacent ones merge), so this is far beyond a sane backlog.
   */
  maxOwedRanges: 10_000,
  /** No new chunk is started with less than this left in the invocation: the rest is reported failed. */
  deadlineMarginMs: 1_500,
} as const;

export const REDIS_LIMITS = {
  /** Arguments per Redis command inside the script: Lua's `unpack` refuses about 8 000. */
  maxArgsPerCommand: 1_000,
  /** Redis Cluster hash slots. */
  clusterSlots: 16_384,
} as const;

/** EMF metrics of the Redis sink, besides the shared handler and sink metrics. */
export const REDIS_SINK_METRICS = {
  scriptCalls: 'RedisScriptCalls',
  commands: 'RedisCommands',
  keysWritten: 'RedisKeysWritten',
  cacheVersionsStale: 'CacheVersionsStale',
} as const;

/**
 * The ioredis client: it fails fast instead of queueing forever (a Lambda batch is retried by its event
 * source; waiting longer only burns the invocation's time).
 */
export const REDIS_CLIENT_DEFAULTS = {
  port: 6379,
  connectTimeoutMs: 5_000,
  /** A command without an answer after this long fails. */
  commandTimeoutMs: 10_000,
  /** A command fails after one reconnect attempt (ioredis's default is 20). */
  maxRetriesPerRequest: 1,
  /** Reconnect backoff: base × 2^attempt, capped. */
  reconnectBaseMs: 50,
  reconnectMaxMs: 2_000,
  clusterSlotsRefreshTimeoutMs: 2_000,
  /** Cluster (re)connection backoff: base × 2^attempt, capped, given up after `clusterMaxRetries`. */
  clusterRetryBaseMs: 100,
  clusterRetryMaxMs: 2_000,
  clusterMaxRetries: 3,
} as const;
