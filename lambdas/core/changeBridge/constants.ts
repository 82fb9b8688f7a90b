/** Constants of the change bridges (DynamoDB Streams → Kafka, Kinesis → Kafka). */

/**
 * Kafka headers on every CDC message. The envelope is the same on both paths; the headers say which path
 * carried it and where.
 */
export const CHANGE_HEADERS = {
  /** Always `application/json`. */
  contentType: 'content-type',
  /** Source table name. */
  table: 'sb-table',
  /** `c`, `u` or `d` (also on the tombstone that follows a delete in `primaryKey` mode). */
  op: 'sb-op',
  /** The change's DynamoDB `eventID`. */
  eventId: 'sb-event-id',
  /** Sequence number of the record in the stream that carried it (DynamoDB stream or Kinesis shard). */
  sequenceNumber: 'sb-sequence-number',
  /** `dynamodb-streams` or `kinesis`. */
  sourcePath: 'sb-source-path',
  /** `ApproximateCreationDateTime` in microseconds, at the precision the path gives (orders Kinesis duplicates). */
  sourceTimeMicros: 'sb-source-ts-us',
  /** Name of the producing function (`AWS_LAMBDA_FUNCTION_NAME`). */
  lineage: 'sb-lineage',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** Milliseconds of an invocation kept after the Kafka send for dead letters and the response. */
export const SEND_RESERVE_MS = 5_000;

/** Send budget when the handler runs without a Lambda context (tests, benchmarks). */
export const DEFAULT_SEND_BUDGET_MS = 30_000;

/** EMF metric names, shared by both bridges. */
export const BRIDGE_METRICS = {
  recordsIn: 'RecordsIn',
  produced: 'RecordsProduced',
  tombstones: 'TombstonesProduced',
  failed: 'RecordsFailed',
  deadLettered: 'RecordsDeadLettered',
  batchLatency: 'BatchLatency',
  sourceAge: 'SourceAge',
} as const;
