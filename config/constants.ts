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

/** AWS limits checked at synth time. */
export const EVENT_SOURCE_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  maxBatchingWindowSeconds: { min: 0, max: 300 },
  retryAttempts: { min: 0, max: 10_000 },
  maxRecordAgeSeconds: { min: 60, max: 604_800 },
  parallelizationFactor: { min: 1, max: 10 },
  filters: { max: 5 },
} as const;

/**
 * Defaults of config fields that config/ and the handlers apply (the CDK defaults live in lib/defaults/);
 * the schema documents them from here.
 */
export const CONFIG_DEFAULTS = {
  via: 'dynamodb-streams',
  kafkaKey: 'partitionKey',
  sessionStore: 'hash',
  cacheStore: 'string',
  reducer: 'merge',
  consistentRead: true,
} as const;
