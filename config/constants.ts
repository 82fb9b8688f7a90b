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
  'threshold',
] as const;
export const DYNAMO_MODES = ['timeseries', 'aggregate', 'state', 'upsert', 'sessions'] as const;
export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const;
/** An AZ name (`eu-west-1a`, `us-gov-west-1a`) or an AZ id (`euw1-az1`). */
export const AVAILABILITY_ZONE_PATTERN = '^([a-z]{2}(-gov)?-[a-z]+-\\d[a-z]|[a-z]{2,5}\\d-az\\d{1,2})$';

export const ALARM_SUBSCRIPTION_PROTOCOLS = ['email', 'https', 'sqs', 'lambda'] as const;
/** A small fixed list keeps the bridges stack's resources bounded. */
export const ALARM_SUBSCRIPTIONS_MAX = 20;

/** What each alarm subscription protocol's endpoint must look like, and how the message names it. */
export const ALARM_ENDPOINT_PATTERNS: Readonly<
  Record<(typeof ALARM_SUBSCRIPTION_PROTOCOLS)[number], { readonly pattern: RegExp; readonly hint: string }>
> = {
  email: { pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, hint: 'an email address' },
  https: { pattern: /^https:\/\/[^\s/]+(\/\S*)?$/, hint: 'an https:// URL' },
  sqs: {
    pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/,
    hint: 'the ARN of a standard SQS queue (arn:aws:sqs:<region>:<account>:<name>)',
  },
  lambda: {
    pattern:
      /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?$/,
    hint: 'the ARN of a Lambda function (arn:aws:lambda:<region>:<account>:function:<name>)',
  },
};

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
 * How long an event source mapping keeps retrying a batch before it writes the batch, payload included, to
 * the pipeline's S3 failure-record bucket (`maxRecordAgeSeconds`): 6 hours. Long enough to ride out most sink
 * or broker outages in order, well inside the 24-hour retention of DynamoDB Streams and of a default Kinesis
 * stream, so the mapping gives up (and S3 keeps the records) before the source would drop them. The trade-off
 * is in docs/deploy.md, "Failure records".
 */
export const DEFAULT_MAX_RECORD_AGE_SECONDS = 21_600;

/** Expiry of the failure records in S3 (`failureRecords.expirationDays`): default, minimum, maximum days. */
export const FAILURE_RECORD_EXPIRY_DAYS = { default: 90, min: 1, max: 3650 } as const;

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
  sessionCloseEveryMinutes: 1,
  snapshotEvery: 10,
} as const;
