/** Constants of the Kafka sink loop both sinks share. */

/** EMF metrics of the sinks, besides the shared `HANDLER_METRICS`. */
export const SINK_METRICS = {
  applied: 'RecordsApplied',
  duplicates: 'RecordsDuplicate',
} as const;

export const SINK_LOOP = {
  /** Time left assumed when the handler runs without a Lambda context (tests, benchmarks). */
  withoutContextMs: 60_000,
  /**
   * Re-plans of one key (Redis: one slot group) after a write's condition showed the stored state moved
   * (watermark, version, sequence): a concurrent consumer is racing, and the batch is retried after this.
   */
  maxReplans: 3,
} as const;
