/**
 * The typed pipeline definition. One object (`streambridge.config.ts` at the repository root) says which
 * tables are sources, which topics exist and which topic feeds which sink with what mapping. The CDK app
 * reads it to provision; each handler receives its slice as JSON in `STREAMBRIDGE_CONFIG` and validates it
 * once per cold start.
 */

/** AWS event-filter pattern (the syntax of Lambda `FilterCriteria` / EventBridge), matched against a JSON value. */
export type FilterPattern = { readonly [field: string]: unknown };

export interface AttributeDefinition {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** Settings of one Lambda event source mapping. Every field is optional; defaults live in `constants.ts`. */
export interface EventSourceSettings {
  /** Records per invocation (1–10 000). */
  readonly batchSize?: number;
  /** Seconds to gather records before invoking (0–300). */
  readonly maxBatchingWindowSeconds?: number;
  /** Retries of a failing batch before it goes to the on-failure destination (0–10 000; streams only). */
  readonly retryAttempts?: number;
  /** Records older than this are sent to the on-failure destination (60–604 800 s; streams only). */
  readonly maxRecordAgeSeconds?: number;
  /** Concurrent batches per shard (1–10), order kept per key. Streams only. */
  readonly parallelizationFactor?: number;
  /** Split a failing batch in two and retry each half. */
  readonly bisectOnError?: boolean;
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Lambda event filters (at most 5), in the AWS filter-pattern syntax. */
  readonly filters?: readonly FilterPattern[];
}

/** Where the change bridge publishes a table's changes and how it keys them. */
export interface SourceTableConfig {
  /** DynamoDB table name (also the `source.table` of its change envelopes). */
  readonly name: string;
  readonly partitionKey: AttributeDefinition;
  readonly sortKey?: AttributeDefinition;
  /** Attribute holding the epoch-seconds expiry; DynamoDB TTL is enabled on it. */
  readonly ttlAttribute?: string;
  /**
   * Which path carries the changes to Kafka: the table's DynamoDB stream (default) or its Kinesis
   * streaming destination (a Kinesis Data Stream read by the kinesis-to-kafka bridge).
   */
  readonly via?: 'dynamodb-streams' | 'kinesis';
  /** Kinesis stream settings, used when `via` is `kinesis`. */
  readonly kinesis?: { readonly shardCount?: number; readonly retentionHours?: number };
  /** Default topic for this table's change envelopes. */
  readonly topic: string;
  /** Route by an attribute of the item (e.g. entity type): value → topic; other values go to `topic`. */
  readonly routeBy?: { readonly attribute: string; readonly topics: Readonly<Record<string, string>> };
  /**
   * Kafka message key: the partition key value (default: all events of an entity on one partition) or the
   * full primary key as JSON. Tombstones after deletes are produced only in `primaryKey` mode.
   */
  readonly kafkaKey?: 'partitionKey' | 'primaryKey';
  readonly governance?: GovernanceConfig;
  readonly eventSource?: EventSourceSettings;
}

export interface GovernanceConfig {
  /** JSON Schema (draft 2020-12 subset supported by Ajv) that every `after` image must satisfy. */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Attributes replaced by a fixed mask before the change leaves the bridge. */
  readonly mask?: readonly string[];
  /** Attributes replaced by a salted SHA-256 (hex) so they stay joinable but unreadable. */
  readonly hash?: readonly string[];
}

export interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
  /** -1 keeps forever. */
  readonly retentionMs?: number;
  readonly cleanupPolicy?: 'delete' | 'compact' | 'compact,delete';
  readonly maxMessageBytes?: number;
}

/** Fields common to every sink mapping. Key templates read the event's fields: `session:{sessionId}`. */
export interface MappingBase {
  /** Unique name of the mapping (used in metrics, logs and watermark keys). */
  readonly name: string;
  readonly topic: string;
  /** Only events matching this AWS filter pattern (over the event's fields) are applied. */
  readonly filter?: FilterPattern;
}

export interface SessionMapping extends MappingBase {
  readonly operation: 'session';
  readonly key: string;
  /** Sliding TTL in seconds, refreshed on every event of the session. */
  readonly ttlSeconds?: number;
  /** Field holding an absolute expiry (epoch seconds or ISO time); wins over `ttlSeconds`. */
  readonly expiresAtField?: string;
  /** Events matching this pattern delete the session (e.g. `{ "type": ["logout"] }`). CDC deletes always do. */
  readonly deleteWhen?: FilterPattern;
  /** `hash` (HSET of the fields, default) or `string` (SET of the JSON). */
  readonly store?: 'hash' | 'string';
}

export interface CounterMapping extends MappingBase {
  readonly operation: 'counter';
  readonly key: string;
  /** Template of a hash field: HINCRBY key field. Without it: INCRBY key. */
  readonly hashField?: string;
  /** Numeric field to add; default 1 per event. */
  readonly incrementField?: string;
  /** Expiry of the counter key (time buckets). */
  readonly ttlSeconds?: number;
}

export interface LeaderboardMapping extends MappingBase {
  readonly operation: 'leaderboard';
  readonly key: string;
  /** Template of the sorted-set member. */
  readonly member: string;
  readonly scoreField: string;
  /** `increment` adds to the score (ZINCRBY), `set` replaces it (ZADD). */
  readonly mode: 'increment' | 'set';
  readonly ttlSeconds?: number;
}

export interface UniqueMapping extends MappingBase {
  readonly operation: 'unique';
  readonly key: string;
  /** Template of the element counted (PFADD). */
  readonly element: string;
  readonly ttlSeconds?: number;
}

export interface CacheMapping extends MappingBase {
  readonly operation: 'cache';
  readonly key: string;
  /** Numeric field that orders versions; default: the change envelope's source sequence number. */
  readonly versionField?: string;
  readonly store?: 'string' | 'hash';
  readonly ttlSeconds?: number;
}

export interface StreamMapping extends MappingBase {
  readonly operation: 'stream';
  readonly key: string;
  /** Approximate cap (XADD MAXLEN ~). */
  readonly maxLength: number;
}

export interface ListMapping extends MappingBase {
  readonly operation: 'list';
  readonly key: string;
  /** LPUSH then LTRIM to this many newest entries. */
  readonly maxLength: number;
  readonly ttlSeconds?: number;
}

export type RedisMapping =
  | SessionMapping
  | CounterMapping
  | LeaderboardMapping
  | UniqueMapping
  | CacheMapping
  | StreamMapping
  | ListMapping;

/** A key attribute of a sink table and the template that fills it. */
export interface KeyAttributeTemplate {
  readonly name: string;
  readonly template: string;
}

export interface TimeSeriesMapping extends MappingBase {
  readonly mode: 'timeseries';
  readonly table: string;
  /** E.g. `{ name: 'pk', template: 'device#{deviceId}#{ts:yyyyMMdd}' }`. */
  readonly partitionKey: KeyAttributeTemplate;
  /**
   * Default: `<event time, ISO-8601 UTC with ms>#<partition>#<offset, 20 digits>` (the table's sort key must
   * be a string): deterministic, so a redelivery overwrites the same item, and lexical order is time order.
   */
  readonly sortKey?: KeyAttributeTemplate;
  /** Field with the event time (epoch ms, epoch s or ISO string). */
  readonly timestampField: string;
  /** Items expire this many days after their event time (written to the table's TTL attribute). */
  readonly retentionDays?: number;
}

export interface AggregateMetric {
  /** Attribute written on the item. */
  readonly name: string;
  readonly op: 'count' | 'sum' | 'min' | 'max';
  /** Numeric event field (required for sum, min, max). */
  readonly field?: string;
}

export interface AggregateMapping extends MappingBase {
  readonly mode: 'aggregate';
  readonly table: string;
  /** E.g. `{ name: 'pk', template: 'page#{page}' }`. */
  readonly partitionKey: KeyAttributeTemplate;
  /** E.g. `{ name: 'window', template: '{ts:yyyy-MM-ddTHH}' }`. */
  readonly sortKey?: KeyAttributeTemplate;
  readonly metrics: readonly AggregateMetric[];
}

export interface StateMapping extends MappingBase {
  readonly mode: 'state';
  readonly table: string;
  readonly partitionKey: KeyAttributeTemplate;
  /** Integer field: 1 for the first event of an entity, +1 for each later one. */
  readonly versionField: string;
  readonly eventIdField?: string;
  /** `merge` (default) shallow-merges each event's fields into the state; `replace` keeps the last event. */
  readonly reducer?: 'merge' | 'replace';
  /** Read the stored version with a strongly consistent read before writing (default true). */
  readonly consistentRead?: boolean;
}

export interface UpsertMapping extends MappingBase {
  readonly mode: 'upsert';
  readonly table: string;
  /**
   * A delete leaves a tombstone marker (so an older change arriving late cannot resurrect the item); with
   * this set, markers expire this many days after the delete through the table's TTL attribute.
   */
  readonly tombstoneRetentionDays?: number;
}

export type DynamoMapping = TimeSeriesMapping | AggregateMapping | StateMapping | UpsertMapping;

export interface SinkTableConfig {
  readonly name: string;
  readonly partitionKey: AttributeDefinition;
  readonly sortKey?: AttributeDefinition;
  readonly ttlAttribute?: string;
}

export interface RedisSinkConfig {
  /** Kafka consumer group of the sink's event source mapping (immutable once deployed). */
  readonly consumerGroup: string;
  readonly mappings: readonly RedisMapping[];
  readonly eventSource?: EventSourceSettings;
  /**
   * How long a deleted cache entry's version marker is kept (default 8 days): an older write of that entry
   * arriving later than this after the delete (a topic replayed from further back) would bring it back.
   * At least as long as the topics' retention when they may be replayed from the start.
   */
  readonly tombstoneTtlSeconds?: number;
}

export interface DynamoSinkConfig {
  readonly consumerGroup: string;
  readonly tables: readonly SinkTableConfig[];
  readonly mappings: readonly DynamoMapping[];
  readonly eventSource?: EventSourceSettings;
}

export interface KafkaClusterConfig {
  /** `provisioned` MSK (default) or MSK `serverless`. */
  readonly type?: 'provisioned' | 'serverless';
  readonly kafkaVersion?: string;
  readonly brokerCount?: number;
  readonly instanceType?: string;
  readonly volumeSizeGiB?: number;
  /** `iam` (default, SASL/OAUTHBEARER) or `scram` (secret in Secrets Manager). */
  readonly auth?: 'iam' | 'scram';
  /** Producer compression of the change bridges. */
  readonly compression?: 'gzip' | 'none';
}

export interface CacheClusterConfig {
  /** `replication-group` (default: primary + replica, automatic failover) or ElastiCache `serverless`. */
  readonly type?: 'replication-group' | 'serverless';
  readonly engine?: 'valkey' | 'redis';
  readonly engineVersion?: string;
  readonly nodeType?: string;
  readonly replicas?: number;
  /** Cluster mode (sharded): keys and scripts use hash tags so they never cross slots. */
  readonly clusterMode?: boolean;
  readonly shards?: number;
  /** `rbac` (default: user group with a generated password) or `token` (AUTH token). */
  readonly auth?: 'rbac' | 'token';
}

export interface PipelineConfig {
  /** Prefix of stack and resource names: lowercase letters, digits and hyphens. */
  readonly name: string;
  readonly kafka: KafkaClusterConfig;
  readonly cache?: CacheClusterConfig;
  readonly sources: readonly SourceTableConfig[];
  readonly topics: readonly TopicConfig[];
  readonly sinks: {
    readonly redis?: RedisSinkConfig;
    readonly dynamodb?: DynamoSinkConfig;
  };
}
