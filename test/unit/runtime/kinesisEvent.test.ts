import { describe, expect, it } from 'vitest';
import {
  kinesisEvent,
  kinesisFilterView,
  kinesisSourceRecord,
} from '../../../local/runtime/pollers/kinesisEvent';

describe('Kinesis event shape', () => {
  const where = {
    shardId: 'shardId-000000000001',
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks',
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/fn-role',
  };

  it('turns an SDK record into the record Lambda delivers', () => {
    // Act
    const record = kinesisSourceRecord(
      {
        SequenceNumber: '4959',
        ApproximateArrivalTimestamp: new Date('2026-11-26T10:00:00.987Z'),
        Data: Buffer.from('{"type":"buy"}'),
        PartitionKey: 'user-1',
      },
      where,
    );

    // Assess
    expect(record.eventRecord).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'user-1',
        sequenceNumber: '4959',
        data: Buffer.from('{"type":"buy"}').toString('base64'),
        approximateArrivalTimestamp: Date.parse('2026-11-26T10:00:00.987Z') / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000001:4959',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: where.invokeIdentityArn,
      awsRegion: 'us-east-1',
      eventSourceARN: where.streamArn,
    });
    expect(record.orderKey).toBe('user-1');
    expect(kinesisFilterView(record)).toMatchObject({ partitionKey: 'user-1', data: { type: 'buy' } });
    expect(kinesisEvent([record]).Records).toHaveLength(1);
  });

  it('leaves data out of the filter view when it is not JSON', () => {
    const record = kinesisSourceRecord(
      { SequenceNumber: '1', Data: Buffer.from('not json'), PartitionKey: 'p' },
      where,
    );

    expect(kinesisFilterView(record)).not.toHaveProperty('data');
  });
});
