/** Constants of the change bridges (DynamoDB Streams → Kafka, Kinesis → Kafka). */

/**
 * Kafka headers on every CDC message: the six DESIGN.md names, no more (each header costs the producer
 * and every consumer per message; what else a consumer needs is in the envelope).
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
  /**
   * Sequence number of the record in the stream that carried it (the DynamoDB stream's, or the Kinesis
   * shard's): the checkpoint id, to find the source record of a message.
   */
  sequenceNumber: 'sb-sequence-number',
  /** Name of the producing function (`AWS_LAMBDA_FUNCTION_NAME`), which also tells the path. */
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
