/**
 * Kafka records as Lambda delivers them (Amazon MSK and self-managed Kafka): `eventSource: "aws:kafka"`,
 * records grouped by `topic-partition`, key and value base64, timestamp in ms with its type, headers as a
 * list of `{ name: [bytes] }`. https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import { topicPartitionId } from '../../../lambdas/core/kafkaRecords';
import { type MskEventSource, mskEventOf } from '../../events/mskEvents';
import { decodeForFilter } from './recordFilter';
import type { SourceRecord } from './types';

export type KafkaSourceRecord = SourceRecord<MSKRecord>;

/** Bit 3 of a record batch's attributes: the timestamp is the broker's append time. */
const LOG_APPEND_TIME_FLAG = 0x08;

function headerBytes(value: Buffer | string): number[] {
  return [...(typeof value === 'string' ? Buffer.from(value, 'utf8') : value)];
}

function lambdaHeaders(headers: KafkaMessage['headers']): MSKRecord['headers'] {
  const list: MSKRecord['headers'] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) list.push({ [name]: headerBytes(one) });
  }
  return list;
}

/**
 * @example
 * ```ts
 * const record = kafkaSourceRecord(message, { topic: 'orders', partition: 0 });
 * ```
 */
export function kafkaSourceRecord(
  message: KafkaMessage,
  where: { topic: string; partition: number },
): KafkaSourceRecord {
  const timestamp = Number(message.timestamp);
  const eventRecord = {
    topic: where.topic,
    partition: where.partition,
    offset: Number(message.offset),
    timestamp,
    timestampType: (message.attributes & LOG_APPEND_TIME_FLAG) !== 0 ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    ...(message.key ? { key: message.key.toString('base64') } : {}),
    // A tombstone carries no value.
    ...(message.value ? { value: message.value.toString('base64') } : {}),
    headers: lambdaHeaders(message.headers),
  } as MSKRecord;
  return {
    position: message.offset,
    arrivalMs: timestamp,
    orderKey: topicPartitionId(where.topic, where.partition),
    eventRecord,
    sizeBytes: Buffer.byteLength(JSON.stringify(eventRecord)),
  };
}

/**
 * What Kafka filters see: the record with `value` decoded as JSON, or as text when it is not JSON.
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-filtering.html
 */
export function kafkaFilterView(record: KafkaSourceRecord): Record<string, unknown> {
  const { value, ...metadata } = record.eventRecord as MSKRecord & { value?: string };
  const decoded = decodeForFilter(value === undefined ? null : Buffer.from(value, 'base64'), true);
  return decoded === undefined ? metadata : { ...metadata, value: decoded };
}

export function kafkaEvent(records: readonly KafkaSourceRecord[], source: MskEventSource): MSKEvent {
  return mskEventOf(
    records.map((record) => record.eventRecord),
    source,
  );
}
