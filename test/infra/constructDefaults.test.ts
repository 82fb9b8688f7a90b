/**
 * The constructs on their own, as a library user composes them: secure defaults, overrides that would weaken
 * them refused with the property named, and the small pure helpers behind names and topic configs.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { RedisSinkConfig, SourceTableConfig } from '../../config/types';
import { BridgeQueues } from '../../lib/BridgeQueues';
import { boundedName } from '../../lib/boundedName';
import { ChangeSourceTable } from '../../lib/ChangeSourceTable';
import { kafkaConsumerGroupId, resolveEventSourceSettings } from '../../lib/defaults/eventSourceDefaults';
import { InsecureOverrideError } from '../../lib/errors';
import { KafkaCluster } from '../../lib/KafkaCluster';
import { KafkaToDynamoSink } from '../../lib/KafkaToDynamoSink';
import { aclKeyRule, redisSinkKeyPrefixes } from '../../lib/redisSinkKeyPrefixes';
import { StreamingNetwork } from '../../lib/StreamingNetwork';
import { encodeTopicConfigs } from '../../lib/topicConfigs';

const source: SourceTableConfig = {
  name: 'orders',
  partitionKey: { name: 'orderId', type: 'S' },
  topic: 'orders',
};

function stack(): Stack {
  return new Stack(
    new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } }),
    'Lib',
  );
}

function refusal(build: () => unknown): InsecureOverrideError {
  try {
    build();
  } catch (error) {
    if (error instanceof InsecureOverrideError) return error;
    throw error;
  }
  throw new Error('the override was accepted');
}

describe('overrides that weaken a default', () => {
  it.each<[string, (s: Stack) => unknown, string]>([
    [
      'an unencrypted failure queue',
      (s) => new BridgeQueues(s, 'Q', { queueProps: { encryption: sqs.QueueEncryption.UNENCRYPTED } }),
      'encryption: UNENCRYPTED',
    ],
    [
      'a failure queue without TLS',
      (s) => new BridgeQueues(s, 'Q', { queueProps: { enforceSSL: false } }),
      'enforceSSL: false',
    ],
    [
      'a source table without point-in-time recovery',
      (s) =>
        new ChangeSourceTable(s, 'T', {
          source,
          tableProps: { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } },
        }),
      'point-in-time recovery off',
    ],
    [
      'a source table streaming keys only',
      (s) =>
        new ChangeSourceTable(s, 'T', { source, tableProps: { stream: dynamodb.StreamViewType.KEYS_ONLY } }),
      'stream: KEYS_ONLY',
    ],
    [
      'a table renamed away from the config',
      (s) => new ChangeSourceTable(s, 'T', { source, tableProps: { tableName: 'other' } }),
      'tableName',
    ],
    [
      'an unencrypted change stream',
      (s) =>
        new ChangeSourceTable(s, 'T', {
          source: { ...source, via: 'kinesis' },
          streamProps: { encryption: kinesis.StreamEncryption.UNENCRYPTED },
        }),
      'encryption: UNENCRYPTED',
    ],
  ])('refuses %s, naming the property', (_, build, property) => {
    const error = refusal(() => build(stack()));
    expect(error.property).toBe(property);
    expect(error.message).toContain(`refusing ${property}:`);
  });
});

describe('constructs used on their own', () => {
  it('compose a Kafka → DynamoDB sink that makes its own failure queues and passes cdk-nag', () => {
    // Prepare
    const s = stack();
    const network = new StreamingNetwork(s, 'Network');
    const kafka = new KafkaCluster(s, 'Kafka', {
      clusterName: 'lib',
      topics: [{ name: 'orders', partitions: 3 }],
      vpc: network.vpc,
      vpcSubnets: network.subnets,
      clientSecurityGroup: network.functionSecurityGroup,
    });
    const table = new dynamodb.Table(s, 'State', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    });
    // Act
    const sink = new KafkaToDynamoSink(s, 'Sink', {
      functionName: 'lib-sink',
      sink: {
        consumerGroup: 'lib',
        tables: [{ name: 'state', partitionKey: { name: 'orderId', type: 'S' } }],
        mappings: [{ name: 'm', topic: 'orders', mode: 'upsert', table: 'state' }],
      },
      tables: new Map([['state', table]]),
      kafka: kafka.access,
      placement: {
        vpc: network.vpc,
        vpcSubnets: network.subnets,
        securityGroups: [network.functionSecurityGroup],
      },
      pollerGroupName: 'lib',
    });
    // Assess
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [s.getLogicalId(sink.onFailureBucket.node.defaultChild as never), 'Arn'],
          },
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      Topics: ['orders'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'lib.orders' },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const violations = new AwsSolutionsChecks()
      .validateScope(s)
      .violations.filter((v) => v.violatingResources.some((r) => !r.constructPath?.startsWith('Lib/State')));
    expect(violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('helpers', () => {
  it('keeps physical names within a limit, stable and distinct', () => {
    expect(boundedName('shop', 'cache', 40)).toBe('shop-cache');
    const long = boundedName('a'.repeat(40), 'cache-users', 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long.endsWith('-cache-users')).toBe(true);
    expect(boundedName('a'.repeat(40), 'cache-users', 40)).toBe(long);
    expect(boundedName(`${'a'.repeat(39)}b`, 'cache-users', 40)).not.toBe(long);
  });

  it('encodes topic configs as base64 JSON of Kafka config names, and nothing when none is set', () => {
    const encoded = encodeTopicConfigs({
      name: 't',
      partitions: 1,
      cleanupPolicy: 'compact',
      retentionMs: -1,
    });
    expect(JSON.parse(Buffer.from(encoded as string, 'base64').toString('utf8'))).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '-1',
    });
    expect(encodeTopicConfigs({ name: 't', partitions: 1 })).toBeUndefined();
  });

  it("limits the cache user to the sink's own keys and the literal start of each mapping's key", () => {
    const sink = (...keys: string[]): RedisSinkConfig => ({
      consumerGroup: 'g',
      mappings: keys.map((key, i) => ({ name: `m${i}`, topic: 't', operation: 'counter', key })),
    });
    expect(redisSinkKeyPrefixes(sink('views:{page}', 'views:{page}:{ts:yyyyMMdd}', 'top*[x]:{id}'))).toEqual([
      'sb:wm:',
      'sb:ver:',
      'sb:seen:',
      'sb:refused:',
      'sb:thr:',
      'sb:dl:',
      'sb:owed:',
      'views:',
      'top*[x]:',
    ]);
    // A key that starts with a field, or a prefix an ACL rule cannot hold: every key.
    expect(redisSinkKeyPrefixes(sink('views:{page}', '{tenant}:views'))).toBeUndefined();
    expect(redisSinkKeyPrefixes(sink('my views:{page}'))).toBeUndefined();
    expect(aclKeyRule('top*[x]\\:')).toBe('~top\\*\\[x\\]\\\\:*');
  });

  it('merges event source settings over finite defaults', () => {
    expect(resolveEventSourceSettings({ batchSize: 10 })).toEqual({
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 1000,
      maxRecordAgeSeconds: 21_600,
      parallelizationFactor: 1,
      bisectOnError: true,
      startingPosition: 'TRIM_HORIZON',
      filters: [],
    });
    expect(kafkaConsumerGroupId('g', 'orders.changes')).toBe('g.orders.changes');
  });
});
