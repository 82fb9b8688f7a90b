import { describe, expect, it } from 'vitest';
import { dynamoSourceRecord, dynamoStreamEvent } from '../../../local/runtime/pollers/dynamoStreamEvent';

const streamArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-26T00:00:00.000';

describe('DynamoDB Streams event shape', () => {
  it('turns an SDK stream record into the record Lambda delivers', () => {
    // Prepare
    const raw = {
      eventID: 'e1',
      eventName: 'REMOVE' as const,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-26T10:00:05.900Z'),
        Keys: { pk: { S: 'a' }, sk: { N: '1' } },
        OldImage: {
          pk: { S: 'a' },
          sk: { N: '1' },
          blob: { B: Uint8Array.from([1, 2]) },
          tags: { BS: [Uint8Array.from([255])] },
        },
        SequenceNumber: '100',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
      },
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    };

    // Act
    const record = dynamoSourceRecord(raw, { streamArn, region: 'us-east-1' });

    // Assess
    expect(record.eventRecord).toEqual({
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1795687205,
        Keys: { pk: { S: 'a' }, sk: { N: '1' } },
        OldImage: { pk: { S: 'a' }, sk: { N: '1' }, blob: { B: 'AQI=' }, tags: { BS: ['/w=='] } },
        SequenceNumber: '100',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    expect(record.position).toBe('100');
    expect(record.arrivalMs).toBe(Date.parse('2026-11-26T10:00:05.900Z'));
    expect(dynamoStreamEvent([record])).toEqual({ Records: [record.eventRecord] });
  });

  it('gives records of one item the same order key whatever the key attribute order', () => {
    const base = { dynamodb: { SequenceNumber: '1', ApproximateCreationDateTime: new Date() } };
    const a = dynamoSourceRecord(
      { ...base, dynamodb: { ...base.dynamodb, Keys: { pk: { S: 'x' }, sk: { S: 'y' } } } },
      { streamArn, region: 'r' },
    );
    const b = dynamoSourceRecord(
      { ...base, dynamodb: { ...base.dynamodb, Keys: { sk: { S: 'y' }, pk: { S: 'x' } } } },
      { streamArn, region: 'r' },
    );
    const c = dynamoSourceRecord(
      { ...base, dynamodb: { ...base.dynamodb, Keys: { pk: { S: 'x' }, sk: { S: 'z' } } } },
      { streamArn, region: 'r' },
    );

    expect(a.orderKey).toBe(b.orderKey);
    expect(a.orderKey).not.toBe(c.orderKey);
  });
});
