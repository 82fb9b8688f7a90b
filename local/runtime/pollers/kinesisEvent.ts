/**
 * Kinesis records as Lambda delivers them: `kinesis.data` base64, `approximateArrivalTimestamp` in epoch
 * seconds with milliseconds, `eventID` = `<shard id>:<sequence number>`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { decodeForFilter } from './recordFilter';
import type { SourceRecord } from './types';

export type KinesisSourceRecord = SourceRecord<KinesisStreamRecord>;

/**
 * @example
 * ```ts
 * const record = kinesisSourceRecord(page.Records[0], { shardId, streamArn, region, invokeIdentityArn });
 * ```
 */
export function kinesisSourceRecord(
  raw: _Record,
  where: { shardId: string; streamArn: string; region: string; invokeIdentityArn: string },
): KinesisSourceRecord {
  const arrivalMs =
    raw.ApproximateArrivalTimestamp instanceof Date ? raw.ApproximateArrivalTimestamp.getTime() : Date.now();
  const sequenceNumber = raw.SequenceNumber ?? '';
  const eventRecord: KinesisStreamRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: raw.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(raw.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${where.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: where.invokeIdentityArn,
    awsRegion: where.region,
    eventSourceARN: where.streamArn,
  };
  return {
    position: sequenceNumber,
    arrivalMs,
    orderKey: raw.PartitionKey ?? '',
    eventRecord,
    sizeBytes: Buffer.byteLength(JSON.stringify(eventRecord)),
  };
}

/**
 * What Kinesis filters see: the record's `kinesis` fields with `data` decoded from JSON (absent when the
 * data is not JSON, so a `data` pattern never matches it).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 */
export function kinesisFilterView(record: KinesisSourceRecord): Record<string, unknown> {
  const { data, ...metadata } = record.eventRecord.kinesis;
  const decoded = decodeForFilter(Buffer.from(data, 'base64'), false);
  return decoded === undefined ? metadata : { ...metadata, data: decoded };
}

export function kinesisEvent(records: readonly KinesisSourceRecord[]): KinesisStreamEvent {
  return { Records: records.map((record) => record.eventRecord) };
}
