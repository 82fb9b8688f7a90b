import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../../config/types';
import { buildApp } from '../../../lib/streambridgeApp';
import {
  DEPLOY_ACTIONS,
  deployTemplate,
  destroyDeployment,
  LocalClients,
  type LocalEndpoints,
  localEndpoints,
  readCloudAssembly,
  synthesizeAppObject,
} from '../../../local/deploy';
import type { CloudAssembly, DeployResult } from '../../../local/deploy/types';
import defaultConfig from '../../../streambridge.config';
import { integrationEnv } from '../serviceEnv';

/**
 * The reference pipeline with every physical name prefixed, so this test never collides with other tests
 * (or a developer's `streambridge local deploy`) on the shared servers.
 */
function prefixedConfig(prefix: string): PipelineConfig {
  const config = structuredClone(defaultConfig) as PipelineConfig & Record<string, unknown>;
  const topic = (name: string) => `${prefix}.${name}`;
  const table = (name: string) => `${prefix}-${name}`;
  const { redis, dynamodb } = config.sinks ?? {};
  return {
    ...config,
    name: prefix,
    topics: config.topics.map((entry) => ({ ...entry, name: topic(entry.name) })),
    sources: config.sources.map((source) => ({
      ...source,
      name: table(source.name),
      topic: topic(source.topic),
      ...(source.routeBy
        ? {
            routeBy: {
              ...source.routeBy,
              topics: Object.fromEntries(
                Object.entries(source.routeBy.topics).map(([key, value]) => [key, topic(value)]),
              ),
            },
          }
        : {}),
    })),
    sinks: {
      ...(redis
        ? {
            redis: {
              ...redis,
              consumerGroup: `${prefix}-${redis.consumerGroup}`,
              mappings: redis.mappings.map((mapping) => ({
                ...mapping,
                topic: topic(mapping.topic),
                ...(mapping.operation === 'threshold' ? { alertTopic: topic(mapping.alertTopic) } : {}),
              })),
            },
          }
        : {}),
      ...(dynamodb
        ? {
            dynamodb: {
              ...dynamodb,
              consumerGroup: `${prefix}-${dynamodb.consumerGroup}`,
              tables: dynamodb.tables.map((entry) => ({ ...entry, name: table(entry.name) })),
              mappings: dynamodb.mappings.map((mapping) => ({
                ...mapping,
                topic: topic(mapping.topic),
                table: table(mapping.table),
                // A state mapping's history table is a sink table too: prefixed with the others.
                ...('history' in mapping && mapping.history
                  ? { history: { ...mapping.history, table: table(mapping.history.table) } }
                  : {}),
              })),
            },
          }
        : {}),
    },
  } as PipelineConfig;
}

function resourcesOfType(
  assembly: CloudAssembly,
  type: string,
): { stack: string; id: string; props: Record<string, unknown> }[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => ({
        stack: stack.stackName,
        id,
        props: (resource.Properties ?? {}) as Record<string, unknown>,
      })),
  );
}

describe('deploying the project’s own default app', () => {
  const prefix = `sbd-${randomUUID().slice(0, 8)}`;
  const config = prefixedConfig(prefix);
  const work = mkdtempSync(join(tmpdir(), 'sb-default-app-'));
  const stateFile = join(work, 'deployment.json');
  let endpoints: LocalEndpoints;
  let clients: LocalClients;
  let assembly: CloudAssembly;
  let result: DeployResult;

  beforeAll(async () => {
    endpoints = localEndpoints(integrationEnv());
    clients = new LocalClients(endpoints);
    const { app } = buildApp(config, { outdir: join(work, 'cdk.out'), cloudFormationValidation: false });
    assembly = readCloudAssembly(synthesizeAppObject(app));
    result = await deployTemplate({ assembly, endpoints, stateFile });
  });

  afterAll(async () => {
    if (existsSync(stateFile)) await destroyDeployment({ stateFile, endpoints });
    await clients?.close();
  });

  it('creates every table of the config with its stream and TTL', async () => {
    // Prepare
    const expected = [
      ...config.sources.map((source) => source.name),
      ...(config.sinks?.dynamodb?.tables.map((entry) => entry.name) ?? []),
    ];

    // Act
    const tables = await Promise.all(
      expected.map(
        async (name) => (await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table,
      ),
    );

    // Assess
    expect(tables.map((table) => table?.TableStatus)).toEqual(expected.map(() => 'ACTIVE'));
    for (const source of config.sources) {
      const local = result.deployment.tables.find((entry) => entry.tableName === source.name);
      expect(local?.streamArn, source.name).toBeDefined();
      expect(local?.ttlAttribute, source.name).toBe(source.ttlAttribute);
      expect(Boolean(local?.kinesisDestination), source.name).toBe(source.via === 'kinesis');
    }
  });

  it('creates every Kinesis stream, topic and queue of the templates', async () => {
    // Prepare
    const streams = resourcesOfType(assembly, 'AWS::Kinesis::Stream');
    const queues = resourcesOfType(assembly, 'AWS::SQS::Queue');
    const admin = await clients.kafkaAdmin();

    // Act
    const topics = await admin.listTopics();
    const streamStates = await Promise.all(
      result.deployment.kinesisStreams.map(
        async (stream) =>
          (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream.streamName })))
            .StreamDescriptionSummary?.StreamStatus,
      ),
    );
    const queueUrls = await Promise.all(
      result.deployment.queues.map(
        async (queue) =>
          (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.queueName }))).QueueUrl,
      ),
    );

    // Assess
    expect(result.deployment.kinesisStreams).toHaveLength(streams.length);
    expect(streamStates.every((status) => status === 'ACTIVE')).toBe(true);
    expect(topics).toEqual(expect.arrayContaining(config.topics.map((entry) => entry.name)));
    for (const entry of config.topics) {
      expect(
        result.deployment.topics.find((local) => local.name === entry.name)?.partitions,
        entry.name,
      ).toBe(entry.partitions);
    }
    expect(queues.length).toBeGreaterThan(0);
    expect(result.deployment.queues).toHaveLength(queues.length);
    expect(queueUrls).toEqual(result.deployment.queues.map((queue) => queue.queueUrl));
  });

  it('creates the failure-record bucket on moto and makes it the on-failure destination of every mapping', async () => {
    // Prepare
    const buckets = resourcesOfType(assembly, 'AWS::S3::Bucket');
    const [bucket] = result.deployment.buckets ?? [];

    // Act
    const head = await clients.s3.send(new HeadBucketCommand({ Bucket: bucket?.bucketName }));

    // Assess
    expect(buckets).toHaveLength(1);
    expect(result.deployment.buckets).toHaveLength(1);
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(result.deployment.eventSourceMappings.length).toBeGreaterThan(0);
    for (const mapping of result.deployment.eventSourceMappings) {
      expect(mapping.onFailureBucketName, mapping.logicalId).toBe(bucket?.bucketName);
    }
  });

  it('registers every bridge function with its bundle and local endpoints, and every event source mapping', () => {
    // Prepare
    const mappings = resourcesOfType(assembly, 'AWS::Lambda::EventSourceMapping');
    const functionNames = result.deployment.functions.map((fn) => fn.functionName);

    // Assess
    expect(functionNames).toEqual(
      expect.arrayContaining([
        `${prefix}-ddb-stream-to-kafka`,
        `${prefix}-kinesis-to-kafka`,
        `${prefix}-kafka-to-redis`,
        `${prefix}-kafka-to-dynamodb`,
      ]),
    );
    for (const fn of result.deployment.functions) {
      expect(existsSync(join(fn.assetDir, 'index.js')), fn.functionName).toBe(true);
      expect(fn.environment, fn.functionName).not.toHaveProperty('MSK_CLUSTER_ARN');
      expect(fn.environment.AWS_ENDPOINT_URL_DYNAMODB, fn.functionName).toBe(endpoints.dynamodb);
      expect(Object.values(fn.environment).join(' '), fn.functionName).not.toContain('{{resolve:');
    }
    for (const producer of ['ddb-stream-to-kafka', 'kinesis-to-kafka']) {
      const fn = result.deployment.functions.find((entry) => entry.functionName === `${prefix}-${producer}`);
      expect(fn?.environment, producer).toMatchObject({
        KAFKA_BROKERS: endpoints.kafkaBrokers,
        KAFKA_AUTH: 'plaintext',
      });
    }
    // The bridge that hashes gets a local salt in place of the secret it reads on AWS.
    const hashing = result.deployment.functions.find(
      (fn) => fn.functionName === `${prefix}-ddb-stream-to-kafka`,
    );
    expect(hashing?.environment.GOVERNANCE_HASH_SALT).toMatch(/^local-[0-9a-f]{32}$/);
    expect(hashing?.environment).not.toHaveProperty('GOVERNANCE_HASH_SALT_SECRET_ARN');
    expect(
      result.deployment.functions.find((fn) => fn.functionName === `${prefix}-kafka-to-redis`)?.environment,
    ).toMatchObject({
      REDIS_URL: endpoints.redisUrl,
      REDIS_TLS: 'false',
    });
    expect(result.deployment.eventSourceMappings).toHaveLength(mappings.length);
    for (const mapping of result.deployment.eventSourceMappings) {
      if (mapping.kind !== 'kafka') expect(mapping.sourceArn, mapping.logicalId).toBeDefined();
      else
        expect(config.topics.map((entry) => entry.name)).toEqual(
          expect.arrayContaining([...(mapping.topics ?? [])]),
        );
      if (mapping.onFailureQueueUrl) {
        expect(result.deployment.queues.map((queue) => queue.queueUrl)).toContain(mapping.onFailureQueueUrl);
      }
    }
  });

  it('skips only resources with no local meaning, each with a reason, and leaves none out', () => {
    // Prepare
    const templateIds = assembly.stacks.flatMap((stack) => Object.keys(stack.template.Resources ?? {}));
    const reported = new Set(result.report.map((line) => line.logicalId));
    const skippedTypes = new Set(
      result.report.filter((line) => line.action === DEPLOY_ACTIONS.skipped).map((line) => line.type),
    );

    // Assess
    expect(templateIds.filter((id) => !reported.has(id))).toEqual([]);
    for (const kept of [
      'AWS::DynamoDB::Table',
      'AWS::Kinesis::Stream',
      'AWS::MSK::Topic',
      'AWS::SQS::Queue',
      'AWS::S3::Bucket',
    ]) {
      expect(skippedTypes.has(kept), kept).toBe(false);
    }
    expect(skippedTypes).toContain('AWS::MSK::Cluster');
    expect(result.report.filter((line) => line.action === DEPLOY_ACTIONS.skipped && !line.detail)).toEqual(
      [],
    );
  });
});
