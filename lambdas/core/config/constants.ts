/** Environment variable carrying a handler's slice of the pipeline config as JSON. */
export const CONFIG_ENV_VAR = 'STREAMBRIDGE_CONFIG';

export const REDIS_OPERATIONS = [
  'session',
  'counter',
  'leaderboard',
  'unique',
  'cache',
  'stream',
  'list',
] as const;
export const DYNAMO_MODES = ['timeseries', 'aggregate', 'state', 'upsert'] as const;
export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const;

/**
 * Event source defaults applied when the config is silent. AWS's own defaults are unbounded retries; ours
 * are finite but generous: a failing batch is retried (with backoff) long enough to ride out a broker or
 * cache restart, and `maxRecordAgeSeconds` is the real bound before the on-failure queue. A handful of
 * retries would send every batch of a one-minute outage to the failure queue.
 */
export const EVENT_SOURCE_DEFAULTS = {
  batchSize: 500,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 1000,
  maxRecordAgeSeconds: 3600,
  parallelizationFactor: 1,
  bisectOnError: true,
  startingPosition: 'TRIM_HORIZON',
} as const;

/** AWS limits checked at synth time. */
export const EVENT_SOURCE_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  maxBatchingWindowSeconds: { min: 0, max: 300 },
  retryAttempts: { min: 0, max: 10_000 },
  maxRecordAgeSeconds: { min: 60, max: 604_800 },
  parallelizationFactor: { min: 1, max: 10 },
  filters: { max: 5 },
} as const;
