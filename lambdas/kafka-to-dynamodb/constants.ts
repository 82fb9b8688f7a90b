/** Constants of the Kafka → DynamoDB sink: DynamoDB limits, retry policy and the bookkeeping attributes. */

/** DynamoDB limits the sink plans its requests around. */
export const DYNAMO_LIMITS = {
  /** Items per BatchWriteItem request. */
  batchWriteItems: 25,
  /** Keys per BatchGetItem request. */
  batchGetKeys: 100,
  /** Maximum item size, attribute names included (400 KB). */
  itemBytes: 400 * 1024,
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
} as const;

export const DYNAMO_WRITES = {
  /**
   * Requests in flight per partition and mapping: enough to hide round-trip latency, bounded so one big
   * batch cannot open hundreds of sockets or burn a table's capacity in one burst.
   */
  concurrency: 16,
  /**
   * Covered runs an aggregate item keeps per mapping and partition (adjacent ones merge; past this the
   * oldest are dropped and the floor rises): about 20 bytes each, written with every update of the item.
   */
  maxCoveredRuns: 32,
  /**
   * Out-of-order events a state item holds (in `sb_pending`, keyed by version) until the missing versions
   * arrive; events beyond this are dead-lettered as version gaps.
   */
  maxPendingEvents: 100,
} as const;

/** Capped exponential backoff with full jitter, for throttled requests and unprocessed items. */
export const RETRY_POLICY = {
  baseDelayMs: 25,
  maxDelayMs: 1_000,
  /** Retrying stops when less than this is left in the invocation, leaving time to answer Lambda. */
  reserveMs: 2_000,
  /** Retries of one request, whatever the time left. */
  maxRetries: 12,
} as const;

/**
 * Attributes the sink writes next to the data. `readSinkItem` hides them (and tombstone markers) from readers.
 * - `watermarkPrefix`: aggregate items carry `sb_wm#<mapping>#<topic>#<partition>` = the last Kafka offset
 *   of that partition already added into the item; `coveredPrefix`: `sb_cov#<mapping>#<topic>#<partition>`,
 *   the offset runs (`first-last`) of that partition whose records were added (what the watermark passed
 *   outside them is owed to a replay), and `floorPrefix`: `sb_floor#…`, the offset at or below which the
 *   item no longer knows (runs trimmed, or written before the ledger existed).
 * - `sequence`: upsert replicas carry the change's source sequence number, zero-padded to 40 digits so that
 *   string order is numeric order (DynamoDB numbers hold 38 digits; stream sequence numbers can be longer).
 * - `deleted`: marks an upsert tombstone (the item was deleted at `sequence`).
 * - `version`, `eventId`: state items carry the entity version and the id of the last event applied;
 *   `pending`: events that arrived ahead of a missing version, applied when it arrives; `revision`: counts
 *   the item's writes, the condition of the next read-modify-write (a stale read can never overwrite).
 */
export const DYNAMO_SINK_ATTRIBUTES = {
  watermarkPrefix: 'sb_wm#',
  coveredPrefix: 'sb_cov#',
  floorPrefix: 'sb_floor#',
  sequence: 'sb_seq',
  deleted: 'sb_deleted',
  version: 'sb_version',
  eventId: 'sb_event_id',
  pending: 'sb_pending',
  revision: 'sb_rev',
} as const;

/**
 * Attributes of a state history item (one per entity and version, keyed by the state's partition key and
 * the version sort key): `at` the event time (epoch ms), `eventId`, `actor` who made the change and `cause`
 * what it was (docs/sinks/dynamodb.md, "History"), `source` where it came from (`dynamodb:<table>:<event
 * id>` for a change, `kafka:<topic>/<partition>/<offset>` for a plain event), `change` the event's fields,
 * and on snapshot versions `state`, the whole state after the version.
 */
export const HISTORY_ATTRIBUTES = {
  at: 'sb_at',
  eventId: 'sb_event_id',
  actor: 'sb_actor',
  cause: 'sb_cause',
  source: 'sb_source',
  change: 'sb_change',
  state: 'sb_state',
} as const;

/** The actor named for a change DynamoDB TTL made (the stream record's `userIdentity.principalId`). */
export const TTL_ACTOR = 'dynamodb.amazonaws.com';

/** Widths of numbers written zero-padded, so that string order is numeric order. */
export const KEY_DIGITS = {
  /** Source sequence numbers on upsert replicas (DynamoDB numbers hold 38 digits; sequence numbers may be longer). */
  sequence: 40,
  /** Kafka offsets in default time-series sort keys (int64 has 19 digits). */
  offset: 20,
} as const;

/** TTL attributes hold epoch seconds: retention days are added in seconds. */
export const DYNAMO_TTL = { secondsPerDay: 86_400 } as const;

/** EMF metrics of the DynamoDB sink, besides the shared handler and sink metrics. */
export const DYNAMO_SINK_METRICS = {
  writeRequests: 'DynamoWriteRequests',
  readRequests: 'DynamoReadRequests',
  throttledRequests: 'DynamoThrottledRequests',
  stateVersionGaps: 'StateVersionGaps',
} as const;

/** Error names DynamoDB uses when it sheds load: retried with backoff, never reported done. */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);
