import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEPLOY_ACTIONS,
  deploymentStatus,
  deployTemplate,
  destroyDeployment,
  LocalClients,
  type LocalEndpoints,
  localEndpoints,
  readCloudAssembly,
  readDeploymentState,
  startStreamingDestinations,
} from '../../../local/deploy';
import type { DeployResult, ReportEntry } from '../../../local/deploy/types';
import { synthFixtureApp } from '../../fixtures/deploy/fixtureApp';
import { readKinesisStream } from '../helpers/readKinesisStream';
import { integrationEnv } from '../serviceEnv';

const { ConfigResourceTypes, ConfigSource } = kafkajs;

function entry(report: readonly ReportEntry[], name: string, type?: string): ReportEntry {
  const found = report.find((candidate) => candidate.name === name && (!type || candidate.type === type));
  if (!found) throw new Error(`no report entry for ${name}; report: ${report.map((e) => e.name).join(', ')}`);
  return found;
}

describe('deployTemplate on the local servers', () => {
  const prefix = `sbt-${randomUUID().slice(0, 8)}`;
  const work = mkdtempSync(join(tmpdir(), 'sb-deploy-'));
  const stateFile = join(work, '.streambridge', 'deployment.json');
  const names = {
    orders: `${prefix}-orders`,
    sink: `${prefix}-stateful-SinkD86FD045`,
    changes: `${prefix}-changes`,
    events: `${prefix}.events`,
    audit: `${prefix}.audit`,
    deadLetters: `${prefix}-dead-letters`,
    work: `${prefix}-work`,
  };
  let endpoints: LocalEndpoints;
  let clients: LocalClients;
  let first: DeployResult;
  let assemblyDir: string;

  async function topicState(topic: string) {
    const admin = await clients.kafkaAdmin();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const configs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    const own = configs.resources[0].configEntries.filter(
      (config) => config.configSource === ConfigSource.TOPIC_CONFIG,
    );
    return {
      partitions: metadata.topics[0].partitions.length,
      configs: Object.fromEntries(own.map((config) => [config.configName, config.configValue])),
    };
  }

  async function readKinesis(streamName: string): Promise<Record<string, unknown>[]> {
    const records = await readKinesisStream<Record<string, unknown>>(clients.kinesis, streamName);
    return records.map((record) => record.data);
  }

  async function ttlOf(tableName: string) {
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    return ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED'
      ? ttl.TimeToLiveDescription.AttributeName
      : 'off';
  }

  beforeAll(async () => {
    endpoints = localEndpoints(integrationEnv());
    clients = new LocalClients(endpoints);
    assemblyDir = synthFixtureApp({ prefix, outdir: join(work, 'v1') });
    first = await deployTemplate({ assembly: assemblyDir, endpoints, stateFile });
  });

  afterAll(async () => {
    if (existsSync(stateFile)) await destroyDeployment({ stateFile, endpoints });
    await clients?.close();
  });

  it('creates every table with its key schema, stream and TTL', async () => {
    // Act
    const orders = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: names.orders }))).Table;
    const sink = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: names.sink }))).Table;

    // Assess
    expect(orders?.KeySchema).toEqual([
      { AttributeName: 'orderId', KeyType: 'HASH' },
      { AttributeName: 'version', KeyType: 'RANGE' },
    ]);
    expect(orders?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(await ttlOf(names.orders)).toBe('off');
    expect(sink?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(sink?.StreamSpecification?.StreamEnabled).not.toBe(true);
    expect(await ttlOf(names.sink)).toBe('expiresAt');
    expect(entry(first.report, names.orders).action).toBe(DEPLOY_ACTIONS.created);
  });

  it('creates the Kinesis stream ACTIVE with its shard count', async () => {
    // Act
    const stream = (
      await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.changes }))
    ).StreamDescriptionSummary;

    // Assess
    expect(stream?.StreamStatus).toBe('ACTIVE');
    expect(stream?.OpenShardCount).toBe(2);
    expect(first.deployment.kinesisStreams).toEqual([
      expect.objectContaining({ streamName: names.changes, shardCount: 2, streamArn: stream?.StreamARN }),
    ]);
  });

  it('creates the Kafka topic with its partitions and configs', async () => {
    // Act
    const topic = await topicState(names.events);

    // Assess
    expect(topic).toEqual({
      partitions: 2,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '86400000', 'max.message.bytes': '2097152' },
    });
  });

  it('creates the queues with their attributes and the redrive policy pointing at the local dead-letter queue', async () => {
    // Prepare
    const attributes = async (queueName: string) => {
      const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
      return (
        await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))
      ).Attributes;
    };

    // Act
    const deadLetters = await attributes(names.deadLetters);
    const workQueue = await attributes(names.work);

    // Assess
    expect(deadLetters?.MessageRetentionPeriod).toBe('1209600');
    expect(workQueue?.VisibilityTimeout).toBe('90');
    expect(JSON.parse(workQueue?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: deadLetters?.QueueArn,
    });
  });

  it('resolves each function environment to local names and endpoints, and finds its bundled code', () => {
    // Prepare
    const deadLetterUrl = first.deployment.queues.find(
      (queue) => queue.queueName === names.deadLetters,
    )?.queueUrl;
    const bridge = first.deployment.functions.find((fn) => fn.functionName === `${prefix}-bridge`);
    const sink = first.deployment.functions.find((fn) => fn.logicalId.startsWith('RedisSink'));

    // Assess
    expect(bridge).toMatchObject({ handler: 'index.handler', timeoutSeconds: 30, memoryMb: 512 });
    expect(existsSync(join(bridge?.assetDir ?? '', 'index.js'))).toBe(true);
    expect(bridge?.environment).toMatchObject({
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      KAFKA_AUTH: 'plaintext',
      DEAD_LETTER_QUEUE_URL: deadLetterUrl,
      SOURCE_TABLE: names.orders,
      SOURCE_TABLE_ARN: expect.stringContaining(`:table/${names.orders}`),
      SINK_TABLE: names.sink,
      CHANGES_STREAM: names.changes,
      DESCRIPTION: `${names.orders} in ${endpoints.region} (aws, amazonaws.com)`,
      TOPIC_AND_TABLE: `${names.events},${names.orders}`,
      TABLE_SUFFIX: 'orders',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    });
    expect(bridge?.environment).not.toHaveProperty('MSK_CLUSTER_ARN');
    expect(sink?.environment).toMatchObject({ REDIS_URL: endpoints.redisUrl, REDIS_TLS: 'false' });
    expect(sink?.environment).not.toHaveProperty('REDIS_HOST');
    expect(sink?.environment).not.toHaveProperty('REDIS_SECRET_ARN');
  });

  it('turns the event source mappings into local pollers with the template settings', async () => {
    // Prepare
    const orders = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: names.orders }))).Table;
    const byKind = (kind: string) =>
      first.deployment.eventSourceMappings.find((mapping) => mapping.kind === kind);
    const deadLetterUrl = first.deployment.queues.find(
      (queue) => queue.queueName === names.deadLetters,
    )?.queueUrl;

    // Assess
    expect(first.deployment.eventSourceMappings).toHaveLength(3);
    expect(byKind('dynamodb-streams')).toMatchObject({
      sourceArn: orders?.LatestStreamArn,
      batchSize: 50,
      maxBatchingWindowSeconds: 2,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetryAttempts: 3,
      maxRecordAgeSeconds: 3600,
      reportBatchItemFailures: true,
      filters: [{ eventName: ['INSERT'] }],
      onFailureQueueUrl: deadLetterUrl,
    });
    expect(byKind('kinesis')).toMatchObject({
      startingPosition: 'LATEST',
      batchSize: 100,
      maxRetryAttempts: -1,
    });
    expect(byKind('kafka')).toMatchObject({
      topics: [names.events],
      consumerGroupId: `${prefix}-redis-sink`,
      batchSize: 500,
      startingPosition: 'TRIM_HORIZON',
    });
    expect(first.deployment.tables.find((table) => table.tableName === names.orders)).toMatchObject({
      streamArn: orders?.LatestStreamArn,
      kinesisDestination: first.deployment.kinesisStreams[0].logicalId,
    });
  });

  it('emulates the table Kinesis streaming destination recorded in the deployment', async () => {
    // Prepare
    const state = readDeploymentState(stateFile);
    if (!state) throw new Error(`no state file at ${stateFile}`);
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: names.orders, Item: { orderId: { S: 'o-1' }, version: { N: '1' } } }),
    );
    const running = startStreamingDestinations(state, { stateFile, endpoints });

    // Act
    const changes: Record<string, unknown>[] = [];
    try {
      await vi.waitFor(
        async () => {
          changes.splice(0, changes.length, ...(await readKinesis(names.changes)));
          expect(changes).toHaveLength(1);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      await running.stop();
    }

    // Assess
    expect(running.destinations).toEqual([{ tableName: names.orders, streamName: names.changes }]);
    expect(changes[0]).toMatchObject({
      eventName: 'INSERT',
      tableName: names.orders,
      recordFormat: 'application/json',
    });
  });

  it('lists every template resource it does not deploy as skipped, with a reason', () => {
    // Prepare
    const assembly = readCloudAssembly(assemblyDir);
    const templateIds = assembly.stacks.flatMap((stack) => Object.keys(stack.template.Resources ?? {}));
    const reported = new Set(first.report.map((line) => line.logicalId));
    const skipped = first.report.filter((line) => line.action === DEPLOY_ACTIONS.skipped);

    // Assess
    expect(templateIds.filter((id) => !reported.has(id))).toEqual([]);
    expect(skipped.every((line) => line.detail.length > 0)).toBe(true);
    expect(new Set(skipped.map((line) => line.type))).toEqual(
      new Set([
        'AWS::EC2::VPC',
        'AWS::EC2::Subnet',
        'AWS::EC2::RouteTable',
        'AWS::EC2::SubnetRouteTableAssociation',
        'AWS::EC2::Route',
        'AWS::EC2::InternetGateway',
        'AWS::EC2::VPCGatewayAttachment',
        'AWS::MSK::Cluster',
        'AWS::ElastiCache::ReplicationGroup',
        'AWS::SecretsManager::Secret',
        'AWS::CloudWatch::Alarm',
        'AWS::Logs::LogGroup',
        'AWS::IAM::Role',
        'AWS::IAM::Policy',
      ]),
    );
  });

  it('changes nothing when the same template is deployed again', async () => {
    // Act
    const again = await deployTemplate({ assembly: assemblyDir, endpoints, stateFile });

    // Assess
    const notSkipped = again.report.filter((line) => line.action !== DEPLOY_ACTIONS.skipped);
    expect(notSkipped.filter((line) => line.action !== DEPLOY_ACTIONS.unchanged)).toEqual([]);
    expect(notSkipped).toHaveLength(
      first.report.filter((line) => line.action !== DEPLOY_ACTIONS.skipped).length,
    );
    expect(again.deployment).toEqual(first.deployment);
  });

  it('updates what changed: more partitions and a new retention, TTL enabled, more shards, a new topic', async () => {
    // Prepare
    const changed = synthFixtureApp({
      prefix,
      outdir: join(work, 'v2'),
      topicPartitions: 4,
      topicRetentionMs: 3_600_000,
      ttlAttribute: 'expiresAt',
      shardCount: 3,
      extraTopic: true,
    });

    // Act
    const { report } = await deployTemplate({ assembly: changed, endpoints, stateFile });

    // Assess
    expect(entry(report, names.events)).toMatchObject({
      action: 'updated',
      detail: expect.stringContaining('partitions 2 → 4'),
    });
    expect(entry(report, names.orders, 'AWS::DynamoDB::Table')).toMatchObject({
      action: 'updated',
      detail: 'TTL off → expiresAt',
    });
    expect(entry(report, names.changes)).toMatchObject({ action: 'updated', detail: 'shards 2 → 3' });
    expect(entry(report, names.audit)).toMatchObject({ action: 'created' });
    expect(entry(report, names.sink)).toMatchObject({ action: 'unchanged' });
    expect(await topicState(names.events)).toEqual({
      partitions: 4,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '3600000', 'max.message.bytes': '2097152' },
    });
    expect(await ttlOf(names.orders)).toBe('expiresAt');
    expect((await topicState(names.audit)).partitions).toBe(1);
    const stream = await clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: names.changes }),
    );
    expect(stream.StreamDescriptionSummary?.OpenShardCount).toBe(3);
  });

  it('reports what cannot change in place and deletes what left the template', async () => {
    // Prepare: back to 2 partitions (Kafka cannot shrink a topic) and without the audit topic.
    const shrunk = synthFixtureApp({
      prefix,
      outdir: join(work, 'v3'),
      topicPartitions: 2,
      topicRetentionMs: 3_600_000,
      ttlAttribute: 'expiresAt',
      shardCount: 3,
    });

    // Act
    const { report } = await deployTemplate({ assembly: shrunk, endpoints, stateFile });

    // Assess
    expect(entry(report, names.events)).toMatchObject({
      action: 'blocked',
      detail: expect.stringContaining('partitions 4 → 2: Kafka cannot remove partitions'),
    });
    expect(entry(report, names.audit)).toMatchObject({ action: 'deleted', detail: 'left the template' });
    expect((await (await clients.kafkaAdmin()).listTopics()).includes(names.audit)).toBe(false);
    expect((await topicState(names.events)).partitions).toBe(4);
  });

  it('shows the deployed resources as existing on the servers', async () => {
    // Act
    const { resources } = await deploymentStatus({ stateFile, endpoints });

    // Assess
    expect(resources.filter((resource) => !resource.exists)).toEqual([]);
    expect(resources.map((resource) => resource.name)).toEqual(
      expect.arrayContaining([
        names.orders,
        names.sink,
        names.changes,
        names.events,
        names.deadLetters,
        names.work,
      ]),
    );
  });
});
