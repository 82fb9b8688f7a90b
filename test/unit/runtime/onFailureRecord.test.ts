import { describe, expect, it } from 'vitest';
import {
  kafkaInvocationRecord,
  streamInvocationRecord,
} from '../../../local/runtime/pollers/onFailureRecord';
import { functionError, partialFailure, records } from './factories';

const streamArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-26T00:00:00.000';

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
