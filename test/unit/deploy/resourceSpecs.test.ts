import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../local/deploy/errors';
import {
  generatedName,
  kinesisStreamSpec,
  parseTopicConfigs,
  queueSpec,
  tableSpec,
  topicSpec,
} from '../../../local/deploy/resourceSpecs';

const site = { stackName: 'app-stateful', logicalId: 'OrdersA9B6' };

const orders = {
  TableName: 'orders',
  AttributeDefinitions: [
    { AttributeName: 'orderId', AttributeType: 'S' },
    { AttributeName: 'version', AttributeType: 'N' },
    { AttributeName: 'status', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'orderId', KeyType: 'HASH' },
    { AttributeName: 'version', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  KinesisStreamSpecification: { StreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/changes' },
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
};

describe('tableSpec', () => {
  it('reads keys, stream, TTL, Kinesis destination and indexes of a table', () => {
    // Act
    const spec = tableSpec(site, 'AWS::DynamoDB::Table', orders, 'us-east-1');

    // Assess
    expect(spec).toMatchObject({
      tableName: 'orders',
      keySchema: [
        { name: 'orderId', keyType: 'HASH' },
        { name: 'version', keyType: 'RANGE' },
      ],
      billingMode: 'PAY_PER_REQUEST',
      streamViewType: 'NEW_IMAGE',
      ttlAttribute: 'expiresAt',
      kinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/changes',
      globalIndexes: [{ indexName: 'byStatus', projection: { type: 'KEYS_ONLY' } }],
    });
  });

  it('names an unnamed table after its stack and logical id, without stream or TTL when disabled', () => {
    // Prepare
    const {
      TableName: _name,
      StreamSpecification: _stream,
      KinesisStreamSpecification: _kinesis,
      ...rest
    } = orders;

    // Act
    const spec = tableSpec(
      site,
      'AWS::DynamoDB::Table',
      { ...rest, TimeToLiveSpecification: { AttributeName: 'x', Enabled: false } },
      'us-east-1',
    );

    // Assess
    expect(spec.tableName).toBe('app-stateful-OrdersA9B6');
    expect(spec.streamViewType).toBeUndefined();
    expect(spec.ttlAttribute).toBeUndefined();
    expect(spec.kinesisStreamArn).toBeUndefined();
  });

  it('reads the Kinesis destination of a global table from the replica in the local region', () => {
    // Prepare
    const { KinesisStreamSpecification: _kinesis, ...rest } = orders;
    const replicas = [
      { Region: 'eu-west-1', KinesisStreamSpecification: { StreamArn: 'arn:eu' } },
      { Region: 'us-east-1', KinesisStreamSpecification: { StreamArn: 'arn:us' } },
    ];

    // Act
    const spec = tableSpec(site, 'AWS::DynamoDB::GlobalTable', { ...rest, Replicas: replicas }, 'us-east-1');

    // Assess
    expect(spec.kinesisStreamArn).toBe('arn:us');
  });

  it('refuses a key attribute missing from AttributeDefinitions, naming it', () => {
    // Act
    const act = () =>
      tableSpec(
        site,
        'AWS::DynamoDB::Table',
        { ...orders, AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }] },
        'us-east-1',
      );

    // Assess
    expect(act).toThrow(TemplateError);
    expect(act).toThrow(
      'app-stateful/OrdersA9B6.KeySchema: key attribute "version" is missing from AttributeDefinitions',
    );
  });
});

describe('kinesisStreamSpec', () => {
  it('reads a provisioned stream', () => {
    expect(kinesisStreamSpec(site, { Name: 'changes', ShardCount: 3, RetentionPeriodHours: 48 })).toEqual({
      streamName: 'changes',
      shardCount: 3,
      onDemand: false,
      retentionHours: 48,
    });
  });

  it('gives an on-demand stream the 4 shards AWS starts it with', () => {
    expect(kinesisStreamSpec(site, { StreamModeDetails: { StreamMode: 'ON_DEMAND' } })).toMatchObject({
      streamName: 'app-stateful-OrdersA9B6',
      shardCount: 4,
      onDemand: true,
      retentionHours: 24,
    });
  });

  it('refuses a provisioned stream without a shard count', () => {
    expect(() => kinesisStreamSpec(site, { Name: 'changes' })).toThrow(
      'ShardCount: is required for a provisioned stream',
    );
  });
});

describe('topicSpec and parseTopicConfigs', () => {
  it.each([
    ['Java properties', 'cleanup.policy=compact\n# comment\nretention.ms = 3600000\n'],
    ['a JSON object', '{"cleanup.policy":"compact","retention.ms":3600000}'],
  ])('parses base64 configs written as %s', (_format, text) => {
    expect(parseTopicConfigs(Buffer.from(text).toString('base64'))).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '3600000',
    });
  });

  it('reads name, partitions, replication factor and configs', () => {
    // Prepare
    const props = {
      TopicName: 'orders.changes',
      PartitionCount: 6,
      ReplicationFactor: 3,
      ClusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/msk/local',
      Configs: Buffer.from('max.message.bytes=2097152').toString('base64'),
    };

    // Act
    const spec = topicSpec(site, props);

    // Assess
    expect(spec).toEqual({
      topicName: 'orders.changes',
      partitions: 6,
      replicationFactor: 3,
      configs: { 'max.message.bytes': '2097152' },
      clusterArn: props.ClusterArn,
    });
  });

  it.each([
    ['no partition count', { TopicName: 't' }, /PartitionCount: must be a positive integer/],
    ['zero partitions', { TopicName: 't', PartitionCount: 0 }, /PartitionCount: must be a positive integer/],
    [
      'configs that are not properties',
      { TopicName: 't', PartitionCount: 1, Configs: Buffer.from('oops').toString('base64') },
      /Configs: is not base64 of topic properties/,
    ],
  ])('refuses %s', (_name, props, message) => {
    expect(() => topicSpec(site, props)).toThrow(message);
  });
});

describe('queueSpec', () => {
  it('takes the attributes the template sets, with the redrive policy as JSON', () => {
    // Act
    const spec = queueSpec(site, {
      QueueName: 'work',
      VisibilityTimeout: 90,
      RedrivePolicy: { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq', maxReceiveCount: 3 },
      KmsMasterKeyId: 'alias/aws/sqs',
    });

    // Assess
    expect(spec).toEqual({
      queueName: 'work',
      fifo: false,
      attributes: {
        VisibilityTimeout: '90',
        RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":3}',
      },
    });
  });

  it('names an unnamed FIFO queue with the .fifo suffix within 80 characters', () => {
    // Act
    const spec = queueSpec({ stackName: 'a'.repeat(90), logicalId: 'Queue' }, { FifoQueue: true });

    // Assess
    expect(spec.queueName).toHaveLength(80);
    expect(spec.queueName.endsWith('.fifo')).toBe(true);
    expect(spec.attributes.FifoQueue).toBe('true');
  });

  it('keeps generated names to the allowed characters', () => {
    expect(generatedName('my stack', 'Logical/Id', 64)).toBe('my-stack-Logical-Id');
  });
});
