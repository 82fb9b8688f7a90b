/**
 * The pipeline config's shape, written once: a JSON Schema built with TypeBox. `types.ts` derives the
 * TypeScript types from it, `validateAgainstSchema.ts` checks a config against it (every bad field, with its
 * path), and `configReference.ts` renders docs/configuration.md from its descriptions and ranges.
 *
 * Beyond JSON Schema, nodes may carry: `patternHint` (said when `pattern` fails), `discriminator` (on a union
 * of objects: the field that picks the variant), `errorMessage` (per failing keyword), `title` (documented in
 * a section of its own) and `format` (`key-template`, `filter-pattern`: languages checked by
 * `semanticChecks.ts`).
 */
import * as Type from 'typebox/type';
import {
  ALARM_SUBSCRIPTION_PROTOCOLS,
  ALARM_SUBSCRIPTIONS_MAX,
  AVAILABILITY_ZONE_PATTERN,
  CLEANUP_POLICIES,
  CONFIG_DEFAULTS,
  type DYNAMO_MODES,
  EVENT_SOURCE_LIMITS,
  FAILURE_RECORD_EXPIRY_DAYS,
  type REDIS_OPERATIONS,
} from './constants';

const TEN_YEARS_SECONDS = 10 * 365 * 86_400;

function integer(min: number, max: number, description: string, extra: Record<string, unknown> = {}) {
  return Type.Integer({ minimum: min, maximum: max, description, ...extra });
}

function text(description: string, extra: Record<string, unknown> = {}) {
  return Type.String({ minLength: 1, description, ...extra });
}

function choice<const V extends readonly string[]>(values: V, description: string, defaultValue?: V[number]) {
  return Type.Enum<[...V]>(values, {
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

/** An object whose fields are exactly `properties` (any other field is reported as unknown). */
function strict<P extends Type.TProperties>(properties: P, options: Record<string, unknown> = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

const TABLE_NAME = '^[A-Za-z0-9_.-]{3,255}$';
const TOPIC_NAME = '^[A-Za-z0-9._-]{1,249}$';
const CONSUMER_GROUP = '^[A-Za-z0-9._-]{1,200}$';
const PARTITION = 'arn:aws[a-z-]*';
const REGION_ACCOUNT = '[a-z0-9-]+:\\d{12}';
const DYNAMODB_STREAM_ARN = `^${PARTITION}:dynamodb:${REGION_ACCOUNT}:table/[A-Za-z0-9_.-]{3,255}/stream/.+$`;
const KINESIS_STREAM_ARN = `^${PARTITION}:kinesis:${REGION_ACCOUNT}:stream/[A-Za-z0-9_.-]{1,128}$`;
const MSK_CLUSTER_ARN = `^${PARTITION}:kafka:${REGION_ACCOUNT}:cluster/[A-Za-z0-9-]{1,64}/[A-Za-z0-9-]+$`;
const SECRET_ARN = `^${PARTITION}:secretsmanager:${REGION_ACCOUNT}:secret:.+$`;
const MSK_SCRAM_SECRET_ARN = `^${PARTITION}:secretsmanager:${REGION_ACCOUNT}:secret:AmazonMSK_.+$`;
const SNS_TOPIC_NAME = '^[A-Za-z0-9_-]{1,256}$';
const SNS_TOPIC_ARN = `^${PARTITION}:sns:${REGION_ACCOUNT}:[A-Za-z0-9_-]{1,256}$`;
const SECURITY_GROUP_ID = '^sg-[0-9a-f]{8,17}$';
const HOST_PORT = '^[A-Za-z0-9.-]+:\\d{1,5}$';

function securityGroupId(description: string) {
  return text(description, {
    pattern: SECURITY_GROUP_ID,
    patternHint: 'a security group id: sg-0123456789abcdef0',
  });
}

function secretArn(description: string) {
  return text(description, {
    pattern: SECRET_ARN,
    patternHint: 'a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>',
  });
}

/** AWS event-filter pattern (the syntax of Lambda `FilterCriteria` / EventBridge), matched against a JSON value. */
export type FilterPattern = { readonly [field: string]: unknown };

/** An AWS event-filter pattern; its syntax is checked by `filterPattern.ts`. */
function filterPattern(description: string) {
  return Type.Unsafe<FilterPattern>({ type: 'object', format: 'filter-pattern', description });
}

function keyTemplate(description: string) {
  return Type.String({ format: 'key-template', description });
}

function topicRef(description: string) {
  return text(description, { pattern: TOPIC_NAME });
}

function attributeDefinition(description: string) {
  return strict(
    {
      name: text('Attribute name.'),
      type: choice(['S', 'N', 'B'], 'DynamoDB scalar type: string, number or binary.'),
    },
    { description },
  );
}

export const AttributeDefinitionSchema = attributeDefinition('A key attribute of a table.');

const eventSourceFields = {
  batchSize: Type.Optional(
    integer(EVENT_SOURCE_LIMITS.batchSize.min, EVENT_SOURCE_LIMITS.batchSize.max, 'Records per invocation.'),
  ),
  maxBatchingWindowSeconds: Type.Optional(
    integer(
      EVENT_SOURCE_LIMITS.maxBatchingWindowSeconds.min,
      EVENT_SOURCE_LIMITS.maxBatchingWindowSeconds.max,
      'Seconds to gather records before invoking.',
    ),
  ),
  retryAttempts: Type.Optional(
    integer(
      EVENT_SOURCE_LIMITS.retryAttempts.min,
      EVENT_SOURCE_LIMITS.retryAttempts.max,
      'Retries of a failing batch (with backoff) before it goes to the on-failure destination; rides out a broker or cache restart, `maxRecordAgeSeconds` bounds it.',
    ),
  ),
  maxRecordAgeSeconds: Type.Optional(
    integer(
      EVENT_SOURCE_LIMITS.maxRecordAgeSeconds.min,
      EVENT_SOURCE_LIMITS.maxRecordAgeSeconds.max,
      'Records older than this go, whole, to the pipeline’s S3 failure-record bucket (`streambridge replay` re-drives them). The default (6 h) keeps order through most outages and gives up well before a 24 h stream retention drops the records; docs/deploy.md, "Failure records", has the trade-off.',
    ),
  ),
  bisectOnError: Type.Optional(
    Type.Boolean({ description: 'Split a failing batch in two and retry each half.' }),
  ),
  startingPosition: Type.Optional(
    choice(['TRIM_HORIZON', 'LATEST'], 'Where a new mapping starts reading; fixed once the mapping exists.'),
  ),
  filters: Type.Optional(
    Type.Array(filterPattern('A Lambda `FilterCriteria` pattern, matched against the records.'), {
      maxItems: EVENT_SOURCE_LIMITS.filters.max,
      errorMessage: { maxItems: `at most ${EVENT_SOURCE_LIMITS.filters.max} filters` },
      description: 'Lambda event filters in the AWS filter-pattern syntax.',
    }),
  ),
};

const EVENT_SOURCE_DESCRIPTION =
  'Settings of an event source mapping: on a source (`sources[].eventSource`), or on a sink for all of its topics (`sinks.redis.eventSource`, `sinks.dynamodb.eventSource`). Partial batch responses are always on.';

/** Event source settings of a Kafka sink (one mapping per topic, all with these settings). */
export const KafkaEventSourceSchema = strict(eventSourceFields, {
  title: 'Event source settings',
  description: EVENT_SOURCE_DESCRIPTION,
});

/** Event source settings of a DynamoDB Streams or Kinesis source: the Kafka ones plus parallelization. */
export const EventSourceSettingsSchema = strict(
  {
    ...eventSourceFields,
    parallelizationFactor: Type.Optional(
      integer(
        EVENT_SOURCE_LIMITS.parallelizationFactor.min,
        EVENT_SOURCE_LIMITS.parallelizationFactor.max,
        'Concurrent batches per shard, order kept per key. Sources only (streams).',
      ),
    ),
  },
  { title: 'Event source settings', description: EVENT_SOURCE_DESCRIPTION },
);

export const GovernanceSchema = strict(
  {
    schema: Type.Optional(
      Type.Unsafe<Readonly<Record<string, unknown>>>({
        type: 'object',
        description:
          'JSON Schema (the draft 2020-12 subset Ajv supports) every `after` image must satisfy, else the change is dead-lettered.',
      }),
    ),
    mask: Type.Optional(
      Type.Array(Type.String({ minLength: 1, errorMessage: { type: 'must be an attribute name' } }), {
        description: 'Attributes replaced by a fixed mask (`****`) before the change leaves the bridge.',
      }),
    ),
    hash: Type.Optional(
      Type.Array(Type.String({ minLength: 1, errorMessage: { type: 'must be an attribute name' } }), {
        description:
          'Attributes replaced by a salted SHA-256 (hex), joinable but unreadable; the salt is a generated secret.',
      }),
    ),
  },
  { description: 'Governance hooks at the source.' },
);

export const SourceTableSchema = strict(
  {
    name: text('DynamoDB table name (also the `source.table` of its change envelopes); unique.', {
      pattern: TABLE_NAME,
      patternHint: '3–255 of A-Z a-z 0-9 _ . -',
    }),
    partitionKey: attributeDefinition("The table's partition key."),
    sortKey: Type.Optional(attributeDefinition("The table's sort key.")),
    ttlAttribute: Type.Optional(
      text(
        'Attribute holding the epoch-seconds expiry; DynamoDB TTL is enabled on it and TTL deletes carry `ttlExpired: true`.',
      ),
    ),
    via: Type.Optional(
      choice(
        ['dynamodb-streams', 'kinesis'],
        "Which path carries the changes to Kafka: the table's DynamoDB stream, or its Kinesis streaming destination read by the kinesis-to-kafka bridge.",
        CONFIG_DEFAULTS.via,
      ),
    ),
    kinesis: Type.Optional(
      strict(
        {
          shardCount: Type.Optional(integer(1, 500, 'Provisioned shards of the stream.')),
          retentionHours: Type.Optional(integer(24, 8760, 'Retention of the stream.')),
        },
        { description: "The Kinesis stream's settings; only with `via: 'kinesis'`." },
      ),
    ),
    topic: topicRef("Default topic of the table's change envelopes; a declared topic."),
    routeBy: Type.Optional(
      strict(
        {
          attribute: text('Attribute whose value picks the topic (e.g. the entity type).'),
          topics: Type.Unsafe<Readonly<Record<string, string>>>({
            type: 'object',
            additionalProperties: { type: 'string', errorMessage: { type: 'must be a topic name' } },
            description: 'Attribute value → declared topic.',
          }),
        },
        { description: 'Per-item topic by an attribute of the item; other values go to `topic`.' },
      ),
    ),
    kafkaKey: Type.Optional(
      choice(
        ['partitionKey', 'primaryKey'],
        'Kafka message key: the partition key value (every event of an entity on one partition) or the full primary key as JSON; only `primaryKey` writes tombstones after deletes.',
        CONFIG_DEFAULTS.kafkaKey,
      ),
    ),
    governance: Type.Optional(GovernanceSchema),
    eventSource: Type.Optional(EventSourceSettingsSchema),
    existing: Type.Optional(
      strict(
        {
          streamArn: Type.Optional(
            text(
              "The table's DynamoDB stream (NEW_AND_OLD_IMAGES); required with `via: 'dynamodb-streams'`.",
              {
                pattern: DYNAMODB_STREAM_ARN,
                patternHint: 'arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>',
              },
            ),
          ),
          kinesisStreamArn: Type.Optional(
            text(
              "The Kinesis stream that is the table's streaming destination; required with `via: 'kinesis'`.",
              {
                pattern: KINESIS_STREAM_ARN,
                patternHint: 'arn:aws:kinesis:<region>:<account>:stream/<name>',
              },
            ),
          ),
        },
        {
          description:
            'The table (and its stream) already exist and are not created nor changed: no stream, TTL, PITR or Kinesis destination settings (`ttlAttribute` then only names the attribute your TTL uses). See [existing-infrastructure.md](existing-infrastructure.md).',
        },
      ),
    ),
  },
  { description: 'A table whose changes go to Kafka.' },
);

export const TopicSchema = strict(
  {
    name: text('Topic name; unique.', { pattern: TOPIC_NAME, patternHint: '1–249 of A-Z a-z 0-9 . _ -' }),
    partitions: integer(1, 1000, 'Partitions; can only grow once deployed.'),
    replicationFactor: Type.Optional(
      integer(1, 5, 'Copies of each partition; at most `kafka.brokerCount` (MSK Serverless: always 3).'),
    ),
    retentionMs: Type.Optional(
      integer(
        -1,
        Number.MAX_SAFE_INTEGER,
        '`retention.ms`; -1 keeps forever. Default: the cluster’s (7 days).',
      ),
    ),
    cleanupPolicy: Type.Optional(
      choice(CLEANUP_POLICIES, '`cleanup.policy`. Default: the cluster’s (`delete`).'),
    ),
    maxMessageBytes: Type.Optional(
      integer(1024, 8 * 1024 * 1024, '`max.message.bytes`. Default: the cluster’s.'),
    ),
    existing: Type.Optional(
      Type.Boolean({
        description:
          'Already on the cluster: neither created nor altered (no `replicationFactor`, `retentionMs`, `cleanupPolicy`); `partitions` and `maxMessageBytes` still declare it to the bridges.',
      }),
    ),
  },
  { description: 'A Kafka topic, created as a resource unless `existing`.' },
);

const MAPPING_NAME = '^[A-Za-z0-9_-]{1,64}$';

/** Fields every sink mapping starts with, in the order the unknown-field message lists them. */
const mappingBase = {
  name: text('Unique name of the mapping (used in metrics, logs and watermark keys).', {
    pattern: MAPPING_NAME,
    patternHint: '1–64 of A-Z a-z 0-9 _ -',
  }),
  topic: topicRef('The declared topic the mapping reads.'),
  filter: Type.Optional(
    filterPattern('Only events matching this AWS filter pattern (over the event’s fields) are applied.'),
  ),
};

function redisBase<const O extends (typeof REDIS_OPERATIONS)[number]>(operation: O, description: string) {
  return {
    ...mappingBase,
    operation: Type.Literal(operation, { description }),
    key: keyTemplate('Key template of the Redis key, e.g. `session:{sessionId}`.'),
  };
}

const ttlSeconds = (description: string) => Type.Optional(integer(1, TEN_YEARS_SECONDS, description));

export const SessionMappingSchema = strict(
  {
    ...redisBase('session', 'A session hash (or string) per key, with a sliding or absolute expiry.'),
    ttlSeconds: ttlSeconds('Sliding TTL, refreshed on every event of the session.'),
    expiresAtField: Type.Optional(
      text('Field holding an absolute expiry (epoch seconds or ISO time); wins over `ttlSeconds`.'),
    ),
    deleteWhen: Type.Optional(
      filterPattern('Events matching this pattern delete the session (CDC deletes always do).'),
    ),
    store: Type.Optional(
      choice(
        ['hash', 'string'],
        '`hash` (HSET of the fields) or `string` (SET of the JSON).',
        CONFIG_DEFAULTS.sessionStore,
      ),
    ),
  },
  { description: 'Needs `ttlSeconds` or `expiresAtField`.' },
);

export const CounterMappingSchema = strict({
  ...redisBase('counter', 'INCRBY (or HINCRBY) per event.'),
  hashField: Type.Optional(
    keyTemplate('Template of a hash field: HINCRBY key field. Without it: INCRBY key.'),
  ),
  incrementField: Type.Optional(text('Numeric field to add; without it, 1 per event.')),
  ttlSeconds: ttlSeconds('Expiry of the counter key (time buckets).'),
});

export const LeaderboardMappingSchema = strict({
  ...redisBase('leaderboard', 'A sorted set of members by score.'),
  member: keyTemplate('Template of the sorted-set member.'),
  scoreField: text('Numeric field with the score.'),
  mode: choice(['increment', 'set'], '`increment` adds to the score (ZINCRBY), `set` replaces it (ZADD).'),
  ttlSeconds: ttlSeconds('Expiry of the sorted set.'),
});

export const UniqueMappingSchema = strict({
  ...redisBase('unique', 'A HyperLogLog counting distinct elements.'),
  element: keyTemplate('Template of the element counted (PFADD).'),
  ttlSeconds: ttlSeconds('Expiry of the HyperLogLog.'),
});

export const CacheMappingSchema = strict({
  ...redisBase('cache', 'The latest version of an entity; never goes backwards.'),
  versionField: Type.Optional(
    text("Numeric field that orders versions; without it, the change envelope's source sequence number."),
  ),
  store: Type.Optional(
    choice(['string', 'hash'], '`string` (SET of the JSON) or `hash` (HSET).', CONFIG_DEFAULTS.cacheStore),
  ),
  ttlSeconds: ttlSeconds('Expiry of the entry.'),
});

export const StreamMappingSchema = strict({
  ...redisBase('stream', 'A Redis stream of the events (XADD).'),
  maxLength: integer(1, 100_000_000, 'Approximate cap (XADD MAXLEN ~).'),
});

export const ListMappingSchema = strict({
  ...redisBase('list', 'The newest events in a list.'),
  maxLength: integer(1, 100_000_000, 'LPUSH then LTRIM to this many newest entries.'),
  ttlSeconds: ttlSeconds('Expiry of the list.'),
});

export const ThresholdMappingSchema = strict(
  {
    ...redisBase(
      'threshold',
      'Per-key alert state from readings (ok, alerting, silent): one alert event per state change, exactly once.',
    ),
    key: keyTemplate(
      'Template of the monitored entity, e.g. `{deviceId}`: its state, its alert and its alert message key.',
    ),
    valueField: text('Numeric field with the reading.'),
    timeField: Type.Optional(
      text('Field with the reading time (epoch s or ms, ISO); default the Kafka record timestamp.'),
    ),
    above: Type.Optional(Type.Number({ description: 'Alert when a reading is above this.' })),
    below: Type.Optional(Type.Number({ description: 'Alert when a reading is below this.' })),
    recoverBelow: Type.Optional(
      Type.Number({
        description:
          'With `above`: recover only at or below this (hysteresis, at most `above`). Default `above`.',
      }),
    ),
    recoverAbove: Type.Optional(
      Type.Number({
        description:
          'With `below`: recover only at or above this (hysteresis, at least `below`). Default `below`.',
      }),
    ),
    forReadings: Type.Optional(
      integer(1, 10_000, 'Readings in a row past the bound before the state changes (debounce). Default 1.'),
    ),
    forSeconds: Type.Optional(
      integer(
        0,
        86_400,
        'Seconds the condition must hold, from the first reading past the bound, before the state changes (debounce). Default 0.',
      ),
    ),
    silenceSeconds: Type.Optional(
      integer(
        1,
        TEN_YEARS_SECONDS,
        'No reading for this long: the key turns silent (an alert), found by the scheduled sweep; its next reading recovers it.',
      ),
    ),
    schedule: Type.Optional(
      text(
        'EventBridge schedule of the silence sweep, `rate(...)` or `cron(...)`; needs `silenceSeconds`. Default `rate(1 minute)`.',
        { pattern: '^(rate|cron)\\(.+\\)$', patternHint: 'rate(1 minute) or cron(0/5 * * * ? *)' },
      ),
    ),
    alertTopic: topicRef(
      'Declared topic the alert events go to: key the entity, header `streambridge-alert-id` a deterministic id per transition.',
    ),
    alertSns: Type.Optional(
      strict(
        {
          topicName: Type.Optional(
            text(
              'Name of the SNS topic created for the alerts (standard, KMS-encrypted). Default: generated.',
              {
                pattern: SNS_TOPIC_NAME,
                patternHint: '1–256 of A-Z a-z 0-9 _ - (no FIFO topics)',
              },
            ),
          ),
          existingTopicArn: Type.Optional(
            text(
              'An SNS topic that already exists (standard, not FIFO): nothing is created, the function may publish to it (a customer KMS key on it is yours to grant).',
              {
                pattern: SNS_TOPIC_ARN,
                patternHint: 'arn:aws:sns:<region>:<account>:<name>',
              },
            ),
          ),
        },
        {
          description:
            'Also publish each alert to SNS (message: the alert JSON, attribute `streambridge-alert-id`), at least once: `{}` or `{ topicName }` creates a topic, `{ existingTopicArn }` uses yours.',
        },
      ),
    ),
  },
  { description: 'Needs `above` or `below`.' },
);

export const RedisMappingSchema = Type.Union(
  [
    SessionMappingSchema,
    CounterMappingSchema,
    LeaderboardMappingSchema,
    UniqueMappingSchema,
    CacheMappingSchema,
    StreamMappingSchema,
    ListMappingSchema,
    ThresholdMappingSchema,
  ],
  { discriminator: 'operation', description: 'What a topic’s events do in Redis.' },
);

function keyAttributeTemplate(description: string) {
  return strict(
    {
      name: text("Key attribute name; must be the table's key name."),
      template: keyTemplate('Key template that fills it, e.g. `device#{deviceId}#{ts:yyyyMMdd}`.'),
    },
    { description },
  );
}

export const KeyAttributeTemplateSchema = keyAttributeTemplate(
  'A key attribute of a sink table and its template.',
);

function dynamoBase<const M extends (typeof DYNAMO_MODES)[number]>(mode: M, description: string) {
  return {
    ...mappingBase,
    mode: Type.Literal(mode, { description }),
    table: text('A sink table declared in `sinks.dynamodb.tables`.'),
  };
}

export const TimeSeriesMappingSchema = strict(
  {
    ...dynamoBase('timeseries', 'One item per event, keyed deterministically so a redelivery overwrites it.'),
    partitionKey: KeyAttributeTemplateSchema,
    sortKey: Type.Optional(
      keyAttributeTemplate(
        'Default: `<event time, ISO-8601 UTC with ms>#<partition>#<offset, 20 digits>` (`#eventId` for changes), which needs a string (S) sort key; lexical order is time order.',
      ),
    ),
    timestampField: text('Field with the event time (epoch ms, epoch s or ISO string).'),
    retentionDays: Type.Optional(
      integer(
        1,
        3650,
        "Items expire this many days after their event time; needs the table's `ttlAttribute`.",
      ),
    ),
  },
  { description: 'The table needs a sort key.' },
);

export const AggregateMetricSchema = strict({
  name: text('Attribute written on the item.'),
  op: choice(['count', 'sum', 'min', 'max'], 'How events combine into the attribute.'),
  field: Type.Optional(text('Numeric event field; required for sum, min and max.')),
});

export const AggregateMappingSchema = strict(
  {
    ...dynamoBase('aggregate', 'Pre-aggregated metrics per key, one write per key and batch.'),
    partitionKey: KeyAttributeTemplateSchema,
    sortKey: Type.Optional(
      keyAttributeTemplate('Given exactly when the table has a sort key, e.g. `{ts:yyyy-MM-ddTHH}` windows.'),
    ),
    metrics: Type.Array(AggregateMetricSchema, { minItems: 1, description: 'Attributes computed per item.' }),
  },
  {},
);

export const StateHistorySchema = strict(
  {
    table: text(
      "A sink table declared in `sinks.dynamodb.tables`: the state table's partition key, and a number (N) sort key that holds the version.",
    ),
    timestampField: Type.Optional(
      text(
        "Field with the event time (epoch ms, epoch s or ISO string) that `--as-of <time>` selects by; without it, a change's `source.ts_ms`, else the Kafka record's timestamp.",
      ),
    ),
    actorField: Type.Optional(
      text(
        'Field naming who made the change (a user, a service), kept as `sb_actor`; without it, a change made by DynamoDB TTL names `dynamodb.amazonaws.com` and others name none.',
      ),
    ),
    causeField: Type.Optional(
      text(
        "Field naming what the change was (e.g. an event type), kept as `sb_cause`; without it, a change's `INSERT`/`MODIFY`, or `event` for a plain event.",
      ),
    ),
    snapshotEvery: Type.Optional(
      integer(
        1,
        1_000,
        'Every this many versions the history item also carries the whole state (`sb_state`), so a state as of any version folds at most this many changes; 1: every item carries it.',
        { default: CONFIG_DEFAULTS.snapshotEvery },
      ),
    ),
    ttlSeconds: Type.Optional(
      integer(
        60,
        TEN_YEARS_SECONDS,
        "History items expire this long after their event time; needs the history table's `ttlAttribute`.",
      ),
    ),
  },
  {
    description:
      'Every version of each entity kept in a history table (one item per entity and version, written before the state): the state as of a version or a time, and the ordered changes with who and what made them (docs/sinks/dynamodb.md, "History").',
  },
);

export const StateMappingSchema = strict(
  {
    ...dynamoBase('state', 'Event-sourced state of an entity, version-guarded.'),
    partitionKey: KeyAttributeTemplateSchema,
    versionField: text('Integer field: 1 for the first event of an entity, +1 for each later one.'),
    eventIdField: Type.Optional(text('Field with the event id, kept with the state.')),
    reducer: Type.Optional(
      choice(
        ['merge', 'replace'],
        "`merge` shallow-merges each event's fields into the state; `replace` keeps the last event.",
        CONFIG_DEFAULTS.reducer,
      ),
    ),
    consistentRead: Type.Optional(
      Type.Boolean({
        description: 'Read the stored version with a strongly consistent read before writing.',
        default: CONFIG_DEFAULTS.consistentRead,
      }),
    ),
    history: Type.Optional(StateHistorySchema),
  },
  { description: 'The table has no sort key.' },
);

export const UpsertMappingSchema = strict({
  ...dynamoBase('upsert', 'A replica of the source items, newest change wins.'),
  tombstoneRetentionDays: Type.Optional(
    integer(
      1,
      3650,
      "A delete leaves a tombstone marker (an older change arriving late cannot resurrect the item); markers expire this many days after the delete through the table's `ttlAttribute`.",
    ),
  ),
});

export const FunnelSchema = strict(
  {
    stepField: text('Event field naming the step, e.g. `action`; events without it are page views only.'),
    steps: Type.Array(text('A value of `stepField`.'), {
      minItems: 2,
      maxItems: 10,
      description: 'The ordered steps, e.g. `["view", "cart", "checkout", "paid"]`; unique.',
    }),
    windowSeconds: integer(
      1,
      30 * 86_400,
      'From a first step to the last one counted: a user reaches step k when steps 1..k happen in this order within it.',
    ),
  },
  {
    description:
      'A conversion funnel: per UTC day (of the first step) and step, the exact number of users who reached it in order.',
  },
);

export const SessionsMappingSchema = strict(
  {
    ...dynamoBase(
      'sessions',
      'Page views into sessions per user (inactivity gap), written when a session closes, with counts per day and an optional funnel.',
    ),
    userField: text('Field with the user id.'),
    timestampField: text('Field with the event time (epoch ms, epoch s or ISO string).'),
    gapSeconds: integer(1, 7 * 86_400, 'Inactivity that ends a session, e.g. 1800.'),
    latenessSeconds: integer(
      0,
      86_400,
      "How far behind the user's latest event time an event may arrive and still be placed in its session (also: how long after a user's last processed event the schedule waits before closing); older ones are dead-lettered as `LateEvent`.",
    ),
    index: text(
      "The sink table's global secondary index (string keys) that lists sessions by day and the open ones due to close.",
    ),
    closeEveryMinutes: Type.Optional(
      integer(1, 60, 'How often the schedule closes sessions whose gap passed without a next event.', {
        default: CONFIG_DEFAULTS.sessionCloseEveryMinutes,
      }),
    ),
    funnel: Type.Optional(FunnelSchema),
    retentionDays: Type.Optional(
      integer(
        1,
        3650,
        "Closed sessions expire this many days after their end; needs the table's `ttlAttribute`.",
      ),
    ),
  },
  {
    description:
      'The table needs string (S) partition and sort keys and the `index`; key design and queries: docs/sinks/dynamodb.md.',
  },
);

export const DynamoMappingSchema = Type.Union(
  [
    TimeSeriesMappingSchema,
    AggregateMappingSchema,
    StateMappingSchema,
    UpsertMappingSchema,
    SessionsMappingSchema,
  ],
  { discriminator: 'mode', description: 'How a topic’s events are written to a sink table.' },
);

export const SinkTableSchema = strict({
  name: text('Physical table name; not a source table’s.', { pattern: TABLE_NAME }),
  partitionKey: attributeDefinition("The table's partition key."),
  sortKey: Type.Optional(attributeDefinition("The table's sort key.")),
  ttlAttribute: Type.Optional(text('Attribute DynamoDB TTL expires items by.')),
  existing: Type.Optional(
    Type.Boolean({
      description:
        'The table already exists and is not created; its key schema is still declared here (mappings are checked against it) and its TTL is yours to enable.',
    }),
  ),
  globalIndexes: Type.Optional(
    Type.Array(
      strict(
        {
          name: text('Index name; unique in the table.', { pattern: '^[A-Za-z0-9_.-]{3,255}$' }),
          partitionKey: attributeDefinition("The index's partition key."),
          sortKey: Type.Optional(attributeDefinition("The index's sort key.")),
        },
        { description: 'A global secondary index (all attributes projected).' },
      ),
      { maxItems: 20, description: 'Global secondary indexes of the table (the `sessions` mode needs one).' },
    ),
  ),
});

const consumerGroup = text(
  'Kafka consumer group; each topic’s mapping uses `<consumerGroup>.<topic>` (at most 200 characters). Immutable once deployed.',
  { pattern: CONSUMER_GROUP },
);

export const RedisSinkSchema = strict(
  {
    consumerGroup,
    mappings: Type.Array(RedisMappingSchema, { minItems: 1, description: 'What each topic does in Redis.' }),
    eventSource: Type.Optional(KafkaEventSourceSchema),
    tombstoneTtlSeconds: Type.Optional(
      integer(
        3_600,
        TEN_YEARS_SECONDS,
        "How long a deleted cache entry's version marker is kept: an older write arriving later than this after the delete (a topic replayed from further back) would bring it back. At least the topics' retention if they may be replayed from the start.",
      ),
    ),
  },
  { description: 'Kafka → Redis/Valkey. Needs `cache`.' },
);

export const DynamoSinkSchema = strict(
  {
    consumerGroup,
    tables: Type.Array(SinkTableSchema, {
      minItems: 1,
      description: 'Sink tables, created by the data stack unless `existing`.',
    }),
    mappings: Type.Array(DynamoMappingSchema, { minItems: 1, description: 'What each topic writes.' }),
    eventSource: Type.Optional(KafkaEventSourceSchema),
  },
  { description: 'Kafka → DynamoDB.' },
);

export const ExistingMskSchema = strict(
  {
    type: Type.Literal('msk', { description: 'An MSK cluster (provisioned or serverless) by ARN.' }),
    clusterArn: text('The cluster ARN; IAM grants are scoped to it, its topics and groups.', {
      pattern: MSK_CLUSTER_ARN,
      patternHint: 'arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>',
    }),
    auth: choice(['iam', 'scram'], 'Client authentication the bridges use: IAM, or SASL/SCRAM-SHA-512.'),
    scramSecretArn: Type.Optional(
      text('The `AmazonMSK_` secret associated with the cluster; required with `auth: scram`.', {
        pattern: MSK_SCRAM_SECRET_ARN,
        patternHint: 'arn:aws:secretsmanager:<region>:<account>:secret:AmazonMSK_<name>',
      }),
    ),
    securityGroupId: securityGroupId(
      "The cluster's security group: the bridges' security group is allowed in on the auth port.",
    ),
    bootstrapBrokers: Type.Optional(
      text(
        'Bootstrap brokers (`host:port,host:port`) of the auth mode; without it they are read from the cluster at deploy time.',
      ),
    ),
  },
  { description: 'An MSK cluster the bridges join.' },
);

export const ExistingSelfManagedKafkaSchema = strict(
  {
    type: Type.Literal('self-managed', { description: 'Any Kafka reachable from the VPC, by its brokers.' }),
    bootstrapBrokers: Type.Array(
      text('A broker as `host:port`.', { pattern: HOST_PORT, patternHint: 'host:port' }),
      { minItems: 1, description: 'Bootstrap brokers.' },
    ),
    auth: choice(
      ['scram', 'mtls'],
      '`scram`: SASL/SCRAM-SHA-512 over TLS; `mtls`: a TLS client certificate.',
    ),
    secretArn: secretArn(
      "`scram`: a secret `{username, password}`; `mtls`: Lambda's CLIENT_CERTIFICATE_TLS_AUTH secret `{certificate, privateKey}` (PEM).",
    ),
    securityGroupId: Type.Optional(
      securityGroupId(
        "The brokers' security group, when they run in the VPC: the bridges' security group is allowed in.",
      ),
    ),
  },
  { description: 'A self-managed Kafka the bridges join (SelfManagedKafkaEventSource for the sinks).' },
);

export const ExistingKafkaSchema = Type.Union([ExistingMskSchema, ExistingSelfManagedKafkaSchema], {
  discriminator: 'type',
  description:
    'A cluster that already exists: nothing is created for it. Topics are still provisioned on it unless declared `existing`.',
});

export const KafkaClusterSchema = strict(
  {
    type: Type.Optional(
      choice(['provisioned', 'serverless'], 'MSK provisioned, or MSK Serverless (no sizing fields).'),
    ),
    kafkaVersion: Type.Optional(
      text('Kafka version, e.g. `3.8.x`; at least 3.6 (the MSK topic API).', {
        pattern: '^\\d+\\.\\d+(\\.\\d+)?(\\.x)?(\\.kraft)?$',
      }),
    ),
    brokerCount: Type.Optional(
      integer(2, 30, 'Brokers; a multiple of the number of AZs (`network.availabilityZones`, 2 by default).'),
    ),
    instanceType: Type.Optional(
      text('Broker instance type.', {
        pattern: '^kafka\\.[a-z0-9]+\\.[a-z0-9]+$',
        patternHint: 'e.g. kafka.t3.small',
      }),
    ),
    volumeSizeGiB: Type.Optional(integer(1, 16_384, 'Storage per broker at creation.')),
    maxVolumeSizeGiB: Type.Optional(
      integer(
        1,
        16_384,
        'Storage autoscaling grows each broker’s volume (never shrinks it) to keep it 60 % used, up to this size; equal to `volumeSizeGiB`: no autoscaling.',
      ),
    ),
    auth: Type.Optional(
      choice(
        ['iam', 'scram'],
        'Client authentication: IAM (SASL/OAUTHBEARER) or SCRAM (secret in Secrets Manager). Serverless: IAM only.',
      ),
    ),
    compression: Type.Optional(choice(['gzip', 'none'], 'Producer compression of the change bridges.')),
    existing: Type.Optional(ExistingKafkaSchema),
  },
  {
    description:
      'The MSK cluster; or, with `existing`, the cluster the bridges join (then only `compression` may be set beside it).',
  },
);

export const ExistingCacheSchema = strict(
  {
    primaryEndpoint: text('Host name of the primary (or configuration) endpoint.'),
    readerEndpoint: Type.Optional(text('Host name of the reader endpoint.')),
    port: integer(1, 65_535, 'Port of the endpoints.'),
    tls: Type.Boolean({ description: 'In-transit encryption: the sink connects with TLS.' }),
    authSecretArn: secretArn(
      'A secret `{username, password}` (RBAC user) or `{password}` (AUTH token) the sink signs in with.',
    ),
    clusterMode: Type.Boolean({
      description: 'Cluster mode enabled: the sink connects as a cluster client.',
    }),
    securityGroupId: securityGroupId(
      "The cache's security group: the bridges' security group is allowed in on `port`.",
    ),
  },
  { description: 'A cache that already exists: nothing is created for it.' },
);

export const CacheClusterSchema = strict(
  {
    type: Type.Optional(
      choice(
        ['replication-group', 'serverless'],
        'A replication group (primary and replicas, automatic failover, Multi-AZ) or ElastiCache Serverless (no node fields, addressed as a cluster).',
      ),
    ),
    engine: Type.Optional(choice(['valkey', 'redis'], 'Cache engine.')),
    engineVersion: Type.Optional(text('Engine version.')),
    nodeType: Type.Optional(
      text('Node type.', { pattern: '^cache\\.[a-z0-9]+\\.[a-z0-9]+$', patternHint: 'e.g. cache.t4g.micro' }),
    ),
    replicas: Type.Optional(integer(1, 5, 'Replicas per shard.')),
    clusterMode: Type.Optional(
      Type.Boolean({ description: "Sharded; the sink keeps each key's writes (and scripts) in one slot." }),
    ),
    shards: Type.Optional(integer(1, 500, 'Shards; needs `clusterMode: true`.')),
    auth: Type.Optional(
      choice(
        ['rbac', 'token'],
        '`rbac` (user group with a generated password) or `token` (AUTH token). Serverless: `rbac` only.',
      ),
    ),
    existing: Type.Optional(ExistingCacheSchema),
  },
  {
    description:
      'The Valkey/Redis cache; required by `sinks.redis`. With `existing`, the cache the sink writes to (no other field beside it).',
  },
);

export const ExistingNetworkSchema = strict(
  {
    vpcId: text('The VPC.', {
      pattern: '^vpc-[0-9a-f]{8,17}$',
      patternHint: 'a VPC id: vpc-0123456789abcdef0',
    }),
    availabilityZones: Type.Array(
      text('An AZ name or AZ id.', {
        pattern: AVAILABILITY_ZONE_PATTERN,
        patternHint: 'an AZ name (eu-west-1a) or AZ id (euw1-az1)',
      }),
      { minItems: 1, description: 'The AZs of `subnetIds`, in the same order.' },
    ),
    subnetIds: Type.Array(
      text('A subnet id.', {
        pattern: '^subnet-[0-9a-f]{8,17}$',
        patternHint: 'a subnet id: subnet-0123456789abcdef0',
      }),
      {
        minItems: 1,
        description:
          'Private or isolated subnets the functions (and anything created: brokers, cache) run in, one per AZ.',
      },
    ),
    securityGroupId: Type.Optional(
      securityGroupId("The bridge functions' security group; default: a new one in the VPC."),
    ),
  },
  {
    description:
      'A VPC that already exists, addressed offline (no lookups); the VPC endpoints the functions need are yours to provide ([existing-infrastructure.md](existing-infrastructure.md)), none are created.',
  },
);

export const NetworkSchema = strict(
  {
    availabilityZones: Type.Optional(
      Type.Array(
        text('An AZ name or AZ id.', {
          pattern: AVAILABILITY_ZONE_PATTERN,
          patternHint: 'an AZ name (eu-west-1a) or AZ id (euw1-az1)',
        }),
        {
          minItems: 2,
          maxItems: 3,
          description:
            'The AZs of the subnets (brokers, cache nodes, functions): names (`eu-west-1a`) or ids (`euw1-az1`, the same place in every account), all of one kind and one region. MSK spreads the brokers evenly (`kafka.brokerCount` a multiple of their number) and takes exactly two in us-west-1, ca-central-1 and sa-east-1.',
        },
      ),
    ),
    existing: Type.Optional(ExistingNetworkSchema),
  },
  {
    description:
      'The pipeline VPC (isolated subnets, no NAT, VPC endpoints); with `existing`, the VPC the functions run in (no other field beside it).',
  },
);

export const AlarmSubscriptionSchema = strict(
  {
    protocol: choice(
      ALARM_SUBSCRIPTION_PROTOCOLS,
      '`email` (the address confirms the message AWS sends), `https` (the endpoint confirms the subscription), `sqs` (a queue whose policy lets the topic send) or `lambda` (a function, given permission to be invoked by the topic).',
    ),
    endpoint: text(
      'The email address, the `https://` URL, or the ARN of the SQS queue (standard, not FIFO) or Lambda function (same region).',
    ),
  },
  { description: 'One subscriber of the alarm topic.' },
);

export const AlarmsSchema = strict(
  {
    subscriptions: Type.Optional(
      Type.Array(AlarmSubscriptionSchema, {
        maxItems: ALARM_SUBSCRIPTIONS_MAX,
        errorMessage: { maxItems: `at most ${ALARM_SUBSCRIPTIONS_MAX} subscriptions` },
        description:
          'Subscribers of the alarm topic, created with the bridges stack. Without any, subscribe to the `AlarmTopicArn` output yourself.',
      }),
    ),
  },
  {
    description:
      'Where the pipeline’s alarms notify: every alarm publishes to one KMS-encrypted SNS topic that CloudWatch may publish to.',
  },
);

export const FailureRecordsSchema = strict(
  {
    expirationDays: Type.Optional(
      integer(
        FAILURE_RECORD_EXPIRY_DAYS.min,
        FAILURE_RECORD_EXPIRY_DAYS.max,
        'Days a failure record stays in the bucket before the lifecycle deletes it, replayed or not. Longer than any outage you would still replay after.',
        { default: FAILURE_RECORD_EXPIRY_DAYS.default },
      ),
    ),
  },
  {
    description:
      'The S3 bucket every event source mapping writes the batches it gives up on to (the whole invocation record, payload included): one per pipeline, S3-managed encryption, TLS only, no public access.',
  },
);

export const PipelineConfigSchema = strict(
  {
    name: text('Prefix of stack and resource names.', {
      pattern: '^[a-z][a-z0-9-]{0,39}$',
      patternHint: 'lowercase letters, digits, hyphens; starts with a letter; ≤ 40',
    }),
    network: Type.Optional(NetworkSchema),
    kafka: KafkaClusterSchema,
    cache: Type.Optional(CacheClusterSchema),
    alarms: Type.Optional(AlarmsSchema),
    failureRecords: Type.Optional(FailureRecordsSchema),
    sources: Type.Array(SourceTableSchema, { description: 'Tables whose changes go to Kafka.' }),
    topics: Type.Array(TopicSchema, { minItems: 1, description: 'Kafka topics.' }),
    sinks: strict(
      {
        redis: Type.Optional(RedisSinkSchema),
        dynamodb: Type.Optional(DynamoSinkSchema),
      },
      { description: 'Kafka → Redis and Kafka → DynamoDB.' },
    ),
  },
  { description: 'The whole pipeline (`streambridge.config.ts`).' },
);

/** The slice a change bridge receives: its sources and the topics they write. Extra fields are ignored. */
export const ChangeBridgeSliceSchema = Type.Object({
  sources: Type.Array(SourceTableSchema),
  topics: Type.Array(TopicSchema, { minItems: 1 }),
});
