/** Constants of threshold mappings: defaults, Redis key names, and the alert message header. */
import { REDIS_SINK_KEYS } from '../constants';

export const THRESHOLD_DEFAULTS = {
  forReadings: 1,
  forSeconds: 0,
  /** The silence sweep's schedule when the mapping names none. */
  schedule: 'rate(1 minute)',
} as const;

/** Header of each alert message carrying its deterministic id (`<mapping>:<key>:<seq>`): consumers de-duplicate on it. */
export const ALERT_ID_HEADER = 'streambridge-alert-id';

/** Metrics of the alert flush (EMF, in the sink's namespace). */
export const THRESHOLD_METRICS = {
  /** Alerts SNS did not take in a flush (they stay pending for the next one). */
  snsPublishFailed: 'AlertSnsPublishFailed',
} as const;

/** How alerts are published to SNS. */
export const SNS_ALERT_LIMITS = {
  /** PublishBatch takes at most 10 entries. */
  entriesPerRequest: 10,
} as const;

/**
 * A threshold mapping's Redis keys; all carry the `{<mapping>}` hash tag, so one script call holds a
 * mapping's state, alerts, outbox and watermarks together in cluster mode too.
 *
 * @example
 * ```ts
 * thresholdKeys('device-temp').alerts; // 'sb:thr:{device-temp}:alerts'
 * ```
 */
export function thresholdKeys(mapping: string) {
  const base = `${REDIS_SINK_KEYS.thresholdPrefix}{${mapping}}`;
  return {
    /** Hash: key → state JSON (status, since, last value and time, pending debounce, transitions). */
    state: `${base}:state`,
    /** Hash: key → the current alert (alerting or silent), for a dashboard; ok keys are absent. */
    alerts: `${base}:alerts`,
    /** Sorted set: key by the time of its last reading, where the sweep finds silent keys. */
    lastSeen: `${base}:seen`,
    /** Hash: alert id → alert JSON of the silence sweep, written with the states and deleted once produced to Kafka. */
    outbox: `${base}:outbox`,
    /**
     * The outbox of one partition's readings: one per partition, so only the invocation that owns the
     * partition flushes it (a shared outbox flushed by two partitions at once would send alerts twice).
     */
    partitionOutbox: (consumerGroup: string, topic: string, partition: number) =>
      `${base}:outbox:${consumerGroup}:${topic}:${partition}`,
    /**
     * Hash: alert id → alert JSON produced to Kafka but not yet published to SNS (`alertSns`), one per
     * outbox; emptied once SNS took them.
     */
    snsPending: (outbox: string) => `${outbox}:sns`,
    /** Hash: `<consumer group>:<topic>:<partition>` → offset of the last applied record. */
    watermarks: `${base}:wm`,
  } as const;
}

export type ThresholdKeys = ReturnType<typeof thresholdKeys>;
