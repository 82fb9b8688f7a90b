/**
 * The Kinesis path: a Lambda `KinesisStreamRecord` is checkpointed by `kinesis.sequenceNumber`; its shard
 * is the prefix of the record's `eventID` (`shardId-000000000001:4959…`). An invocation reads one shard,
 * but records are grouped per shard anyway, so a failure never holds back another shard.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { decodeKinesisRecord } from '../envelope/decodeKinesisRecord';
import type { ChangeCarrier } from './types';

export const kinesisCarrier: ChangeCarrier<KinesisStreamRecord> = {
  path: 'kinesis',
  locate(record) {
    const stream = record.eventSourceARN ?? 'unknown';
    const shard = record.eventID?.split(':')[0] ?? 'unknown';
    const sequenceNumber = record.kinesis?.sequenceNumber;
    return {
      checkpointId: sequenceNumber,
      shard: `${stream}/${shard}`,
      coordinates: { source: 'kinesis', stream, shard, sequenceNumber: sequenceNumber ?? 'unknown' },
    };
  },
  decode: decodeKinesisRecord,
  payload: (record) => JSON.stringify(record),
};
