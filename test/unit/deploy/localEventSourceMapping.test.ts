import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../local/deploy/errors';
import {
  type EventSource,
  type EventSourceMappingSite,
  localEventSourceMapping,
} from '../../../local/deploy/localEventSourceMapping';
import { localFunctionRecord } from './deployFactories';

const STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026';
const KINESIS_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/changes';
const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/msk/local';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:dlq';
const DLQ_URL = 'http://127.0.0.1:14566/123456789012/dlq';
const BUCKET_ARN = 'arn:aws:s3:::app-failure-records';

const sources: Record<string, EventSource> = {
  [STREAM_ARN]: { kind: 'dynamodb-streams', sourceArn: STREAM_ARN, name: 'table orders stream' },
  [KINESIS_ARN]: { kind: 'kinesis', sourceArn: KINESIS_ARN, name: 'Kinesis stream changes' },
  [CLUSTER_ARN]: { kind: 'kafka', name: 'MSK cluster' },
};

function site(properties: Record<string, unknown>): EventSourceMappingSite {
  const fn = localFunctionRecord();
  return {
    stackName: 'app-stateless',
    logicalId: 'BridgeEventSource',
    properties: { FunctionName: fn.functionName, ...properties },
    functionFor: (reference) =>
      reference === fn.functionName ||
      reference.startsWith('arn:aws:lambda:us-east-1:123456789012:function:app-bridge')
        ? fn
        : undefined,
    sourceFor: (arn) => sources[arn],
    queueUrlFor: (arn) => (arn === DLQ_ARN ? DLQ_URL : undefined),
    bucketNameFor: (arn) => (arn === BUCKET_ARN ? 'app-failure-records' : undefined),
  };
}

describe('localEventSourceMapping', () => {
  it.each([
    [
      'DynamoDB Streams',
      { EventSourceArn: STREAM_ARN, StartingPosition: 'TRIM_HORIZON' },
      'dynamodb-streams',
      0,
    ],
    ['Kinesis', { EventSourceArn: KINESIS_ARN, StartingPosition: 'LATEST' }, 'kinesis', 0],
    [
      'Amazon MSK',
      { EventSourceArn: CLUSTER_ARN, StartingPosition: 'LATEST', Topics: ['orders'] },
      'kafka',
      0.5,
    ],
  ])(
    'applies the AWS defaults to a %s mapping the template leaves bare',
    (_name, properties, kind, window) => {
      // Act
      const result = localEventSourceMapping(site(properties));

      // Assess
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.mapping).toMatchObject({
        functionLogicalId: 'Bridge',
        kind,
        enabled: true,
        batchSize: 100,
        maxBatchingWindowSeconds: window,
        parallelizationFactor: 1,
        bisectOnError: false,
        maxRetryAttempts: -1,
        maxRecordAgeSeconds: -1,
        reportBatchItemFailures: false,
        filters: [],
      });
      expect(result.mapping.onFailureQueueUrl).toBeUndefined();
    },
  );

  it('reads every setting of a stream mapping and resolves the on-failure queue to its local URL', () => {
    // Act
    const result = localEventSourceMapping(
      site({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:app-bridge:live',
        EventSourceArn: STREAM_ARN,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 50,
        MaximumBatchingWindowInSeconds: 2,
        ParallelizationFactor: 4,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 3600,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: {
          Filters: [
            { Pattern: '{"eventName":["INSERT"]}' },
            { Pattern: '{"dynamodb":{"Keys":{"orderId":{"S":[{"prefix":"o-"}]}}}}' },
          ],
        },
        DestinationConfig: { OnFailure: { Destination: DLQ_ARN } },
        Enabled: false,
      }),
    );

    // Assess
    expect(result).toMatchObject({
      ok: true,
      mapping: {
        sourceArn: STREAM_ARN,
        enabled: false,
        batchSize: 50,
        maxBatchingWindowSeconds: 2,
        startingPosition: 'TRIM_HORIZON',
        parallelizationFactor: 4,
        bisectOnError: true,
        maxRetryAttempts: 3,
        maxRecordAgeSeconds: 3600,
        reportBatchItemFailures: true,
        filters: [{ eventName: ['INSERT'] }, { dynamodb: { Keys: { orderId: { S: [{ prefix: 'o-' }] } } } }],
        onFailureQueueUrl: DLQ_URL,
      },
    });
  });

  it('resolves an S3 on-failure destination to the local bucket', () => {
    // Act
    const result = localEventSourceMapping(
      site({
        EventSourceArn: KINESIS_ARN,
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: BUCKET_ARN } },
      }),
    );

    // Assess
    expect(result).toMatchObject({ ok: true, mapping: { onFailureBucketName: 'app-failure-records' } });
    expect(result.ok && result.mapping.onFailureQueueUrl).toBe(undefined);
    expect(result.ok && result.detail).toContain('on failure → s3://app-failure-records');
  });

  it('takes the consumer group of a Kafka mapping from the template, else one derived from its logical id', () => {
    // Act
    const named = localEventSourceMapping(
      site({
        EventSourceArn: CLUSTER_ARN,
        StartingPosition: 'TRIM_HORIZON',
        Topics: ['orders'],
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'redis-sink' },
      }),
    );
    const unnamed = localEventSourceMapping(
      site({ EventSourceArn: CLUSTER_ARN, StartingPosition: 'LATEST', Topics: ['orders'] }),
    );

    // Assess
    expect(named).toMatchObject({ ok: true, mapping: { topics: ['orders'], consumerGroupId: 'redis-sink' } });
    expect(unnamed).toMatchObject({
      ok: true,
      mapping: { consumerGroupId: 'app-stateless-BridgeEventSource' },
    });
  });

  it('maps a self-managed Kafka source to the local broker', () => {
    // Act
    const result = localEventSourceMapping(
      site({
        SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['b-1:9092'] } },
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' },
        StartingPosition: 'LATEST',
        Topics: ['t'],
      }),
    );

    // Assess
    expect(result).toMatchObject({ ok: true, mapping: { kind: 'kafka', consumerGroupId: 'g' } });
  });

  it.each([
    [
      'its function is not run locally',
      { FunctionName: 'python-fn', EventSourceArn: STREAM_ARN, StartingPosition: 'LATEST' },
      'its function python-fn is not run locally',
    ],
    [
      'its source is not deployed',
      { EventSourceArn: 'arn:aws:sqs:us-east-1:1:q', StartingPosition: 'LATEST' },
      'event source arn:aws:sqs:us-east-1:1:q is not deployed locally',
    ],
    [
      'it starts AT_TIMESTAMP',
      { EventSourceArn: KINESIS_ARN, StartingPosition: 'AT_TIMESTAMP' },
      'starting position AT_TIMESTAMP is not supported locally (TRIM_HORIZON, LATEST)',
    ],
  ])('skips a mapping when %s', (_name, properties, reason) => {
    expect(localEventSourceMapping(site(properties))).toEqual({ ok: false, reason });
  });

  it.each([
    [
      'a filter pattern that is not JSON',
      { FilterCriteria: { Filters: [{ Pattern: '{oops' }] } },
      /FilterCriteria.Filters\[0\].Pattern: is not valid JSON/,
    ],
    [
      'a missing starting position',
      { StartingPosition: undefined },
      /StartingPosition: is required for a dynamodb-streams event source/,
    ],
    ['a non-integer batch size', { BatchSize: 'many' }, /BatchSize: must be an integer/],
  ])('refuses %s, naming the property', (_name, properties, message) => {
    // Act
    const act = () =>
      localEventSourceMapping(
        site({ EventSourceArn: STREAM_ARN, StartingPosition: 'LATEST', ...properties }),
      );

    // Assess
    expect(act).toThrow(TemplateError);
    expect(act).toThrow(message);
  });

  it('refuses a Kafka mapping without exactly one topic', () => {
    expect(() =>
      localEventSourceMapping(site({ EventSourceArn: CLUSTER_ARN, StartingPosition: 'LATEST' })),
    ).toThrow(/Topics: a Kafka event source needs exactly one topic/);
  });
});
