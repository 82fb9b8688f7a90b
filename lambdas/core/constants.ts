/** Constants every handler shares: its environment contract, names, metric names and dead-letter limits. */

/**
 * Environment variables that the CDK constructs set on each handler and that the handlers read at cold
 * start. The local runtime resolves the same variables from the synthesized template, so one contract
 * serves AWS and local runs.
 */
export const HANDLER_ENV = {
  /** The handler's slice of the pipeline config, as JSON. */
  config: 'STREAMBRIDGE_CONFIG',
  /** Comma-separated bootstrap brokers, resolved at deploy time (never through the MSK API at cold start). */
  kafkaBrokers: 'KAFKA_BROKERS',
  /**
   * `iam` (SASL/OAUTHBEARER, TLS), `scram` (SASL/SCRAM-SHA-512, TLS), `mtls` (TLS client certificate) or
   * `plaintext` (local only).
   */
  kafkaAuth: 'KAFKA_AUTH',
  /** Secrets Manager secret with `{ "username", "password" }` for SCRAM. */
  kafkaScramSecretArn: 'KAFKA_SCRAM_SECRET_ARN',
  /** Secrets Manager secret with `{ "certificate", "privateKey" }` (PEM; Lambda's format) for `mtls`. */
  kafkaClientCertificateSecretArn: 'KAFKA_CLIENT_CERTIFICATE_SECRET_ARN',
  /**
   * Who writes the change envelope text: `compiled` (default; shape writers compiled into JavaScript) or
   * `general` (the general writer alone). The same bytes either way; docs/handlers.md says why.
   */
  envelopeWriter: 'STREAMBRIDGE_ENVELOPE_WRITER',
  /** Producer compression: `gzip` or `none`. */
  kafkaCompression: 'KAFKA_COMPRESSION',
  /**
   * Who encodes the records of a Produce request: `fast` (default; streambridge's encoder, the same bytes at
   * about half the cost) or `kafkajs` (kafkajs's own, untouched). docs/handlers.md says why and what it costs.
   */
  kafkaRecordEncoder: 'STREAMBRIDGE_KAFKA_RECORD_ENCODER',
  /** SQS queue receiving poison records with their reason and coordinates. */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** Full Redis URL (`redis://` or `rediss://`), used locally; wins over host/port. */
  redisUrl: 'REDIS_URL',
  redisHost: 'REDIS_HOST',
  redisPort: 'REDIS_PORT',
  /** `true` to connect with TLS (ElastiCache in-transit encryption). */
  redisTls: 'REDIS_TLS',
  /** Secrets Manager secret with `{ "username", "password" }` (RBAC) or `{ "password" }` (AUTH token). */
  redisSecretArn: 'REDIS_SECRET_ARN',
  /** `true` when the cache runs in cluster mode (keys and scripts are grouped per slot). */
  redisClusterMode: 'REDIS_CLUSTER_MODE',
  /**
   * Salt of the governance hashes of the change bridges (`governance.hash`): tables and topics sharing it
   * stay joinable on hashed values. Unset: plain SHA-256 (a warning is logged at cold start).
   */
  governanceHashSalt: 'GOVERNANCE_HASH_SALT',
  /** Secrets Manager secret holding that salt, read when the bridge is built (deployed functions). */
  governanceHashSaltSecretArn: 'GOVERNANCE_HASH_SALT_SECRET_ARN',
  /** JSON object: threshold mapping name → ARN of the SNS topic its alerts are also published to (`alertSns`). */
  alertSnsTopicArns: 'ALERT_SNS_TOPIC_ARNS',
  /** Name of the producing function, written to the lineage header. */
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
} as const;

/** The handlers: their folder under `lambdas/`, their `Service` in logs, metrics and dead letters. */
export const HANDLER_NAMES = {
  ddbStreamToKafka: 'ddb-stream-to-kafka',
  kinesisToKafka: 'kinesis-to-kafka',
  kafkaToRedis: 'kafka-to-redis',
  kafkaToDynamodb: 'kafka-to-dynamodb',
  kafkaTopicProvisioner: 'kafka-topic-provisioner',
} as const;

/** CloudWatch EMF: the namespace, and the metrics every bridge and sink writes per batch. */
export const HANDLER_METRICS = {
  namespace: 'Streambridge',
  recordsIn: 'RecordsIn',
  recordsFailed: 'RecordsFailed',
  recordsDeadLettered: 'RecordsDeadLettered',
  batchLatency: 'BatchLatency',
  sourceAge: 'SourceAge',
} as const;

/** How poison records are sent to the dead-letter queue (SQS). */
export const DEAD_LETTER_LIMITS = {
  /** SQS's message limit is 256 KiB; this keeps room for the envelope around the payload. */
  maxPayloadBytes: 200 * 1024,
  maxKeyBytes: 1024,
  /** SendMessageBatch takes at most 10 entries. */
  entriesPerRequest: 10,
  maxAttempts: 3,
  /** Backoff before attempt n+1: this × 2^n. */
  retryBaseMs: 100,
} as const;
