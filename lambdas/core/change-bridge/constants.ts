/** Constants of the change bridges (DynamoDB Streams → Kafka, Kinesis → Kafka). */

/**
 * Kafka headers on every CDC message, no more (each header costs the producer and every consumer per
 * message; what else a consumer needs is in the envelope; docs/envelope.md lists them).
 */
export const CHANGE_HEADERS = {
  /** Always `application/json` ({@link CHANGE_HEADER_VALUES}). */
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

export const CHANGE_HEADER_VALUES = { contentType: 'application/json' } as const;

/** The time a bridge gives one Kafka send. */
export const SEND_BUDGET = {
  /** Milliseconds of an invocation kept after the Kafka send for dead letters and the response. */
  reserveMs: 5_000,
  /** The budget when the handler runs without a Lambda context (tests, benchmarks). */
  withoutContextMs: 30_000,
} as const;

/** EMF metrics of the bridges, besides the shared `HANDLER_METRICS`. */
export const BRIDGE_METRICS = {
  produced: 'RecordsProduced',
  tombstones: 'TombstonesProduced',
} as const;

/** Governance hooks (`governance` of a source table). */
export const GOVERNANCE = {
  /** What a masked attribute's value becomes. */
  maskedValue: '****',
  /** Schema errors listed in a dead letter's details (the reason names them all). */
  maxReportedSchemaErrors: 10,
} as const;
