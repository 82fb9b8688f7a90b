/**
 * The DynamoDB Streams path: a Lambda `DynamoDBRecord` is checkpointed by `dynamodb.SequenceNumber`; all
 * records of an invocation come from one shard of one stream.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeStreamRecord } from '../envelope/decodeStreamRecord';
import type { ChangeCarrier } from './types';

export const dynamoDbStreamCarrier: ChangeCarrier<DynamoDBRecord> = {
  path: 'dynamodb-streams',
  locate(record) {
    const stream = record.eventSourceARN ?? 'unknown';
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    return {
      checkpointId: sequenceNumber,
      shard: stream,
      coordinates: { source: 'dynamodb-streams', stream, sequenceNumber: sequenceNumber ?? 'unknown' },
    };
  },
  decode: decodeStreamRecord,
  payload: (record) => JSON.stringify(record),
};
