/**
 * Amazon MSK / self-managed Kafka events as Lambda delivers them: the one place that builds the event
 * envelope, for the local Kafka poller (from records it read) and for tests and benchmarks (from specs).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { topicPartitionId } from '../../lambdas/core/kafkaRecords';

/** Where an event comes from: the cluster ARN and brokers Lambda puts in every MSK event. */
export interface MskEventSource {
  readonly eventSourceArn: string;
  readonly bootstrapServers: string;
}

/** The source of events built from specs: a placeholder cluster on the default local broker. */
const SPEC_SOURCE: MskEventSource = {
  eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1',
  bootstrapServers: '127.0.0.1:19092',
};

/**
 * An MSK event of the given records, grouped by `topic-partition` in the order given.
 *
 * @example
 * ```ts
 * mskEventOf([record], { eventSourceArn, bootstrapServers }).records['orders-0']; // [record]
 * ```
 */
export function mskEventOf(records: Iterable<MSKRecord>, source: MskEventSource): MSKEvent {
  const grouped: MSKEvent['records'] = {};
  for (const record of records) {
    const id = topicPartitionId(record.topic, record.partition);
    grouped[id] ??= [];
    grouped[id].push(record);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: source.eventSourceArn,
    bootstrapServers: source.bootstrapServers,
    records: grouped,
  };
}

/** One Kafka record, described by what a test or benchmark cares about. */
export interface RecordSpec {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset: number;
  /** An object is JSON-encoded; a string is sent as is; null makes a tombstone. */
  readonly value: unknown;
  readonly key?: string | null;
  readonly timestamp?: number;
  readonly headers?: Record<string, string>;
}

/**
 * A record as Lambda delivers it, from a spec (topic `events`, partition 0 unless given).
 *
 * @example
 * ```ts
 * mskRecord({ offset: 7, key: 'user-1', value: { clicks: 1 } }).value; // base64 of '{"clicks":1}'
 * ```
 */
export function mskRecord(spec: RecordSpec): MSKRecord {
  const topic = spec.topic ?? 'events';
  const value =
    spec.value === null ? null : typeof spec.value === 'string' ? spec.value : JSON.stringify(spec.value);
  return {
    topic,
    partition: spec.partition ?? 0,
    offset: spec.offset,
    timestamp: spec.timestamp ?? 1_764_144_000_000,
    timestampType: 'CREATE_TIME',
    // A null key or value: the wire form of a record without one (MSKRecord types them as strings).
    key:
      spec.key === undefined || spec.key === null
        ? (null as unknown as string)
        : Buffer.from(spec.key).toString('base64'),
    value: value === null ? (null as unknown as string) : Buffer.from(value).toString('base64'),
    headers: Object.entries(spec.headers ?? {}).map(([name, v]) => ({ [name]: [...Buffer.from(v)] })),
  };
}

/**
 * An MSK event of records built from specs.
 *
 * @example
 * ```ts
 * const event = mskEvent([{ offset: 0, value: { page: '/' } }, { offset: 1, value: { page: '/cart' } }]);
 * ```
 */
export function mskEvent(specs: readonly RecordSpec[]): MSKEvent {
  return mskEventOf(specs.map(mskRecord), SPEC_SOURCE);
}
