import { describe, expect, it } from 'vitest';
import { changePartitionKey, toKinesisChangeRecord } from '../../../local/deploy/kinesisChangeRecord';
import { streamRecord } from './deployFactories';

describe('toKinesisChangeRecord', () => {
  it.each([
    ['INSERT', { NewImage: true, OldImage: false }],
    ['MODIFY', { NewImage: true, OldImage: true }],
    ['REMOVE', { NewImage: false, OldImage: true }],
  ] as const)('writes a %s in the format DynamoDB uses on Kinesis', (eventName, images) => {
    // Act
    const change = toKinesisChangeRecord(streamRecord(eventName), 'orders', 'eu-west-1');

    // Assess
    expect(change).toMatchObject({
      awsRegion: 'us-east-1',
      eventID: 'e1b2c3',
      eventName,
      userIdentity: null,
      recordFormat: 'application/json',
      tableName: 'orders',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-11-26T09:12:08.426Z'),
        ApproximateCreationDateTimePrecision: 'MILLISECOND',
        Keys: { orderId: { S: 'o-1' }, version: { N: '2' } },
        SizeBytes: 120,
      },
    });
    expect('NewImage' in change.dynamodb).toBe(images.NewImage);
    expect('OldImage' in change.dynamodb).toBe(images.OldImage);
    expect(change.dynamodb).not.toHaveProperty('SequenceNumber');
    expect(change.dynamodb).not.toHaveProperty('StreamViewType');
  });

  it('base64-encodes binary attributes, as DynamoDB JSON in text does', () => {
    // Act
    const change = toKinesisChangeRecord(streamRecord('INSERT'), 'orders', 'us-east-1');

    // Assess
    expect(JSON.parse(JSON.stringify(change)).dynamodb.NewImage.blob).toEqual({ B: 'AQID' });
  });

  it('keeps the service identity of a TTL delete', () => {
    // Prepare
    const record = streamRecord('REMOVE', {
      userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
    });

    // Act
    const change = toKinesisChangeRecord(record, 'orders', 'us-east-1');

    // Assess
    expect(change.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });
});

describe('changePartitionKey', () => {
  it('is the same for every change of one item, whatever the attribute order', () => {
    expect(changePartitionKey({ a: { S: '1' }, b: { N: '2' } })).toBe(
      changePartitionKey({ b: { N: '2' }, a: { S: '1' } }),
    );
  });

  it('differs between items and fits a Kinesis partition key', () => {
    // Act
    const first = changePartitionKey({ orderId: { S: 'o-1' } });
    const second = changePartitionKey({ orderId: { S: 'o-2' } });

    // Assess
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
  });
});
