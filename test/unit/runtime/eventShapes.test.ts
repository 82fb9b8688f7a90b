import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { dynamoSourceRecord, dynamoStreamEvent } from '../../../local/runtime/pollers/dynamoStreamEvent';
import { kafkaEvent, kafkaFilterView, kafkaSourceRecord } from '../../../local/runtime/pollers/kafkaEvent';
import {
  kinesisEvent,
  kinesisFilterView,
  kinesisSourceRecord,
} from '../../../local/runtime/pollers/kinesisEvent';
import {
  kafkaInvocationRecord,
  streamInvocationRecord,
} from '../../../local/runtime/pollers/onFailureRecord';
import { functionError, partialFailure, records } from './factories';

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

describe('Kafka event shape', () => {
  const message: KafkaMessage = {
    key: Buffer.from('user-1'),
    value: Buffer.from('{"n":1}'),
    timestamp: '1795687200000',
    attributes: 0,
    offset: '15',
    headers: { source: Buffer.from('ab'), multi: [Buffer.from('x'), 'y'] },
  };

  it('builds the MSK event grouped by topic-partition', () => {
    // Act
    const record = kafkaSourceRecord(message, { topic: 'orders', partition: 2 });
    const event = kafkaEvent([record], {
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/1',
      bootstrapServers: '127.0.0.1:19092',
    });

    // Assess
    expect(event).toEqual({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/1',
      bootstrapServers: '127.0.0.1:19092',
      records: {
        'orders-2': [
          {
            topic: 'orders',
            partition: 2,
            offset: 15,
            timestamp: 1795687200000,
            timestampType: 'CREATE_TIME',
            key: Buffer.from('user-1').toString('base64'),
            value: Buffer.from('{"n":1}').toString('base64'),
            headers: [{ source: [97, 98] }, { multi: [120] }, { multi: [121] }],
          },
        ],
      },
    });
    expect(record.position).toBe('15');
  });

  it('marks broker-appended timestamps and leaves out a missing key and a tombstone value', () => {
    const record = kafkaSourceRecord(
      { ...message, key: null, value: null, attributes: 0x08 },
      { topic: 't', partition: 0 },
    );

    expect(record.eventRecord.timestampType).toBe('LOG_APPEND_TIME');
    expect(record.eventRecord).not.toHaveProperty('key');
    expect(record.eventRecord).not.toHaveProperty('value');
  });

  it('lets filters see the value as JSON, or as text when it is not JSON', () => {
    const json = kafkaSourceRecord(message, { topic: 't', partition: 0 });
    const text = kafkaSourceRecord({ ...message, value: Buffer.from('error') }, { topic: 't', partition: 0 });

    expect(kafkaFilterView(json).value).toEqual({ n: 1 });
    expect(kafkaFilterView(text).value).toBe('error');
  });
});

describe('on-failure invocation records', () => {
  const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:fn';

  it('describes a discarded DynamoDB batch with DDBStreamBatchInfo', () => {
    // Prepare
    const batch = records(3, { first: 10 });
    const now = new Date('2026-11-26T10:00:00.000Z');

    // Act
    const body = streamInvocationRecord(
      'dynamodb-streams',
      { records: batch, condition: 'RetryAttemptsExhausted', invokeCount: 4, lastResult: functionError() },
      { shardId: 'shardId-1', streamArn, functionArn, now },
    );

    // Assess
    expect(body).toEqual({
      requestContext: {
        requestId: 'req-failed',
        functionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 4,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-26T10:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '10',
        endSequenceNumber: '12',
        approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        batchSize: 3,
        streamArn,
      },
    });
  });

  it('reports a partial failure without functionError and never-invoked records with a null responseContext', () => {
    const partial = streamInvocationRecord(
      'kinesis',
      {
        records: records(1),
        condition: 'RetryAttemptsExhausted',
        invokeCount: 1,
        lastResult: partialFailure('1'),
      },
      { shardId: 's', streamArn: 'arn', functionArn },
    );
    const aged = streamInvocationRecord(
      'kinesis',
      { records: records(1), condition: 'RecordAgeExceeded', invokeCount: 0 },
      { shardId: 's', streamArn: 'arn', functionArn },
    );

    expect(partial.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(partial).toHaveProperty('KinesisBatchInfo.batchSize', 1);
    expect(aged.responseContext).toBeNull();
    expect(aged.requestContext.condition).toBe('RecordAgeExceeded');
  });

  it('describes a discarded Kafka batch with KafkaBatchInfo.recordsInfo per topic-partition', () => {
    const batch = records(2, { first: 7 });

    const body = kafkaInvocationRecord(
      { records: batch, condition: 'RetryAttemptsExhausted', invokeCount: 2, lastResult: functionError() },
      { topicPartition: 'orders-0', eventSourceArn: 'arn:kafka', bootstrapServers: 'b:9092', functionArn },
    );

    expect(body.KafkaBatchInfo).toEqual({
      batchSize: 2,
      eventSourceArn: 'arn:kafka',
      bootstrapServers: 'b:9092',
      payloadSize: 100,
      recordsInfo: {
        'orders-0': {
          firstRecordOffset: '7',
          lastRecordOffset: '8',
          firstRecordTimestamp: expect.any(String),
          lastRecordTimestamp: expect.any(String),
        },
      },
    });
    expect(body.requestContext.approximateInvokeCount).toBe(2);
  });
});
