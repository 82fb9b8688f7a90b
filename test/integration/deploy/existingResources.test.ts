/**
 * `streambridge local deploy` onto resources another team owns: the source table (with its stream), the
 * topic, the cache's secret and some of its keys are made first, as that team would; the pipeline config
 * declares them `existing`; the local deploy checks them and creates none of them; the bridges then run
 * end to end: every change counted once in Redis (0 lost, 0 double-applied), the other team's keys and
 * items untouched. A config whose existing resources are missing fails with one line each, naming the
 * resource and the command that creates it, and deploys nothing.
 *
 * Works on either template shape: with the data stack still declaring the existing table and topic, the
 * deployer skips them; once the stacks leave them out, the bridges point at the declared ARNs directly.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../../config/types';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import { Logger } from '../../../lambdas/core/Logger';
import { kafkaConsumerGroupId } from '../../../lib/defaults/eventSourceDefaults';
import { buildApp } from '../../../lib/streambridgeApp';
import {
  awsClientEnvironment,
  DEPLOY_ACTIONS,
  deployTemplate,
  destroyDeployment,
  ExistingResourcesMissingError,
  existingDeclarations,
  LocalClients,
  type LocalEndpoints,
  localEndpoints,
  readCloudAssembly,
  synthesizeAppObject,
} from '../../../local/deploy';
import { createTopicsAndWait } from '../../../local/deploy/deployTopic';
import { awsClientOptions } from '../../../local/deploy/localEndpoints';
import type { DeployResult } from '../../../local/deploy/types';
import { waitUntil } from '../../../local/deploy/waitUntil';
import { type LocalRuntime, runLocal } from '../../../local/runtime';
import { integrationEnv } from '../serviceEnv';

const CUSTOMERS = 4;
const ORDERS = 24;
const FAKE_MSK_ARN =
  'arn:aws:kafka:us-east-1:123456789012:cluster/shared-msk/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-3';

function secretsClient(endpoints: LocalEndpoints): SecretsManagerClient {
  // moto serves Secrets Manager on its one endpoint (the DynamoDB one).
  return new SecretsManagerClient(awsClientOptions(endpoints, 'dynamodb'));
}

async function tableExists(clients: LocalClients, tableName: string): Promise<boolean> {
  try {
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** The other team's table: a stream with both images, as the bridges need. */
async function createSourceTable(clients: LocalClients, tableName: string): Promise<string> {
  const created = await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  return created.TableDescription?.LatestStreamArn as string;
}

function pipelineConfig(
  prefix: string,
  existing: { streamArn: string; secretArn: string; table: string; topic: string },
): PipelineConfig {
  return validatePipelineConfig({
    name: prefix,
    kafka: {
      existing: {
        type: 'msk',
        clusterArn: FAKE_MSK_ARN,
        auth: 'iam',
        securityGroupId: 'sg-0a1b2c3d4e5f60718',
      },
    },
    cache: {
      existing: {
        primaryEndpoint: 'master.shared-cache.abc123.use1.cache.amazonaws.com',
        port: 6379,
        tls: true,
        authSecretArn: existing.secretArn,
        clusterMode: false,
        securityGroupId: 'sg-0c1d2e3f405162738',
      },
    },
    topics: [{ name: existing.topic, partitions: 3, existing: true }],
    sources: [
      {
        name: existing.table,
        partitionKey: { name: 'orderId', type: 'S' },
        topic: existing.topic,
        existing: { streamArn: existing.streamArn },
      },
    ],
    sinks: {
      redis: {
        consumerGroup: `${prefix}-redis`,
        mappings: [
          {
            name: 'changes-per-customer',
            topic: existing.topic,
            operation: 'counter',
            key: `${prefix}:changes:{customerId}`,
          },
          {
            name: 'latest-order',
            topic: existing.topic,
            operation: 'cache',
            key: `${prefix}:order:{orderId}`,
            ttlSeconds: 3600,
          },
        ],
      },
    },
  });
}

describe('local deploy onto existing resources', () => {
  const prefix = `sbx-${randomUUID().slice(0, 8)}`;
  const table = `${prefix}-orders`;
  const topic = `${prefix}.orders`;
  const otherTeamKey = `${prefix}:other-team:config`;
  const work = mkdtempSync(join(tmpdir(), 'sb-existing-'));
  const stateFile = join(work, 'deployment.json');
  const runtimeLog: string[] = [];
  let endpoints: LocalEndpoints;
  let clients: LocalClients;
  let redis: Redis;
  let secrets: SecretsManagerClient;
  let secretArn: string;
  let config: PipelineConfig;
  let result: DeployResult;
  let runtime: LocalRuntime | undefined;

  beforeAll(async () => {
    endpoints = localEndpoints(integrationEnv());
    clients = new LocalClients(endpoints);
    redis = new Redis(endpoints.redisUrl);
    secrets = secretsClient(endpoints);

    // Prepare, as the other team: the table with its stream and one item, the topic, the cache's secret
    // and a key of theirs in the cache.
    const streamArn = await createSourceTable(clients, table);
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { orderId: { S: 'before-bridges' }, customerId: { S: 'c-0' } },
      }),
    );
    await createTopicsAndWait(await clients.kafkaAdmin(), [{ topic, numPartitions: 3 }]);
    secretArn = (
      await secrets.send(
        new CreateSecretCommand({ Name: `${prefix}-cache`, SecretString: '{"password":"local"}' }),
      )
    ).ARN as string;
    await redis.set(otherTeamKey, 'theirs');

    config = pipelineConfig(prefix, { streamArn, secretArn, table, topic });
    const { app } = buildApp(config, { outdir: join(work, 'cdk.out'), cloudFormationValidation: false });
    const assembly = readCloudAssembly(synthesizeAppObject(app));
    result = await deployTemplate({ assembly, endpoints, stateFile, existing: existingDeclarations(config) });
  });

  afterAll(async () => {
    await runtime?.stop();
    await destroyDeployment({ stateFile, endpoints }).catch(() => undefined);
    await clients.dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    await (await clients.kafkaAdmin()).deleteTopics({ topics: [topic] }).catch(() => undefined);
    await secrets.send(new DeleteSecretCommand({ SecretId: secretArn, ForceDeleteWithoutRecovery: true }));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    secrets.destroy();
    await clients.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates none of the existing resources, and deploys the bridges onto them', () => {
    // Assess
    const about = (name: string) => result.report.filter((entry) => entry.name === name);
    for (const entry of [...about(table), ...about(topic)]) {
      expect(entry.action, `${entry.type} ${entry.name}`).toBe(DEPLOY_ACTIONS.skipped);
      expect(entry.detail).toMatch(/^declared existing \((sources\[0\]|topics\[0\])\.existing\)/);
    }
    expect(result.deployment.tables.map((entry) => entry.tableName)).not.toContain(table);
    expect(result.deployment.topics.map((entry) => entry.name)).not.toContain(topic);
    const sources = result.deployment.eventSourceMappings.map(
      (mapping) => mapping.sourceArn ?? mapping.topics?.[0],
    );
    expect(sources).toEqual(expect.arrayContaining([config.sources[0]?.existing?.streamArn, topic]));
    const sink = result.deployment.functions.find((fn) => fn.functionName === `${prefix}-kafka-to-redis`);
    expect(sink?.environment.REDIS_URL).toBe(endpoints.redisUrl);
    expect(sink?.environment).not.toHaveProperty('REDIS_SECRET_ARN');
  });

  it('runs changes end to end: each counted once in the existing cache, nothing of the other team touched', async () => {
    // Prepare
    runtime = await runLocal(result.deployment, {
      env: { ...awsClientEnvironment(endpoints), KAFKA_BROKERS: endpoints.kafkaBrokers },
      logger: new Logger('streambridge-local', { write: (line) => runtimeLog.push(line) }),
      output: (line, source) => runtimeLog.push(`[${source.functionName}] ${line}`),
      checkpointFile: join(work, 'checkpoints.json'),
      maxConcurrency: 1,
    });
    const expected = new Map<string, number>([['c-0', 1]]);

    // Act: every order inserted, then shipped (two changes each), plus the item from before the bridges.
    for (let i = 0; i < ORDERS; i++) {
      const customerId = `c-${i % CUSTOMERS}`;
      const orderId = `o-${i}`;
      await clients.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { orderId: { S: orderId }, customerId: { S: customerId }, status: { S: 'placed' } },
        }),
      );
      await clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { orderId: { S: orderId } },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: 'shipped' } },
        }),
      );
      expected.set(customerId, (expected.get(customerId) ?? 0) + 2);
    }
    const total = [...expected.values()].reduce((sum, n) => sum + n, 0);
    const counted = async () => {
      const values = await redis.mget(
        ...[...expected.keys()].map((customer) => `${prefix}:changes:${customer}`),
      );
      return values.reduce((sum, value) => sum + Number(value ?? 0), 0);
    };
    await waitUntil('every change counted', 120_000, async () =>
      (await counted()) >= total ? true : undefined,
    );
    // Then until the sink has committed the whole topic: whatever it still had in flight has landed.
    const admin = await clients.kafkaAdmin();
    const group = kafkaConsumerGroupId(`${prefix}-redis`, topic);
    await waitUntil(`consumer group ${group} at the end of ${topic}`, 60_000, async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const done = ends.every(
        (end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.high,
      );
      return done ? true : undefined;
    });

    // Assess: 0 lost, 0 double-applied, per customer; the latest version of each order cached.
    for (const [customer, changes] of expected) {
      expect(Number(await redis.get(`${prefix}:changes:${customer}`)), customer).toBe(changes);
    }
    for (let i = 0; i < ORDERS; i++) {
      const cached = JSON.parse((await redis.get(`${prefix}:order:o-${i}`)) ?? '{}') as { status?: string };
      expect(cached.status, `o-${i}`).toBe('shipped');
    }
    expect(await redis.get(otherTeamKey)).toBe('theirs');
    const item = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(item.Table?.LatestStreamArn).toBe(config.sources[0]?.existing?.streamArn);
  });
});

describe('local deploy with existing resources missing', () => {
  const prefix = `sbm-${randomUUID().slice(0, 8)}`;
  let endpoints: LocalEndpoints;
  let clients: LocalClients;
  const wrongStreamTable = `${prefix}-orders`;

  beforeAll(async () => {
    endpoints = localEndpoints(integrationEnv());
    clients = new LocalClients(endpoints);
    await createSourceTable(clients, wrongStreamTable);
  });

  afterAll(async () => {
    await clients.dynamodb
      .send(new DeleteTableCommand({ TableName: wrongStreamTable }))
      .catch(() => undefined);
    await clients.close();
  });

  it('fails before deploying anything, one line per missing resource naming it and how to create it', async () => {
    // Prepare: a table whose declared stream is not its own, a table, a Kinesis stream, a topic, a sink
    // table and a cache secret that are not there at all.
    const config = validatePipelineConfig({
      name: prefix,
      kafka: {
        existing: {
          type: 'msk',
          clusterArn: FAKE_MSK_ARN,
          auth: 'iam',
          securityGroupId: 'sg-0a1b2c3d4e5f60718',
        },
      },
      cache: {
        existing: {
          primaryEndpoint: 'master.shared-cache.abc123.use1.cache.amazonaws.com',
          port: 6379,
          tls: true,
          authSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${prefix}-cache-AbCdEf`,
          clusterMode: false,
          securityGroupId: 'sg-0c1d2e3f405162738',
        },
      },
      topics: [
        { name: `${prefix}.orders`, partitions: 3, existing: true },
        { name: `${prefix}.telemetry`, partitions: 3 },
      ],
      sources: [
        {
          name: wrongStreamTable,
          partitionKey: { name: 'orderId', type: 'S' },
          topic: `${prefix}.orders`,
          existing: {
            streamArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${wrongStreamTable}/stream/2020-01-01T00:00:00.000`,
          },
        },
        {
          name: `${prefix}-telemetry`,
          partitionKey: { name: 'deviceId', type: 'S' },
          via: 'kinesis',
          topic: `${prefix}.telemetry`,
          existing: { kinesisStreamArn: `arn:aws:kinesis:us-east-1:123456789012:stream/${prefix}-telemetry` },
        },
      ],
      sinks: {
        redis: {
          consumerGroup: `${prefix}-redis`,
          mappings: [{ name: 'orders', topic: `${prefix}.orders`, operation: 'counter', key: 'o:{orderId}' }],
        },
        dynamodb: {
          consumerGroup: `${prefix}-dynamodb`,
          tables: [
            {
              name: `${prefix}-series`,
              partitionKey: { name: 'pk', type: 'S' },
              sortKey: { name: 'sk', type: 'S' },
              existing: true,
            },
          ],
          mappings: [
            {
              name: 'telemetry',
              topic: `${prefix}.telemetry`,
              mode: 'timeseries',
              table: `${prefix}-series`,
              partitionKey: { name: 'pk', template: 'device#{deviceId}' },
              timestampField: 'ts',
            },
          ],
        },
      },
    });
    const work = mkdtempSync(join(tmpdir(), 'sb-missing-'));
    const stateFile = join(work, 'deployment.json');

    // Act
    const failure = await deployTemplate({
      assembly: { directory: work, stacks: [] },
      endpoints,
      stateFile,
      existing: existingDeclarations(config),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    rmSync(work, { recursive: true, force: true });

    // Assess
    expect(failure).toBeInstanceOf(ExistingResourcesMissingError);
    const lines = (failure as Error).message.split('\n').slice(1);
    const expectations: [string, string, string][] = [
      ['sources[0].existing.streamArn', `table "${wrongStreamTable}"`, 'aws dynamodbstreams list-streams'],
      [
        'sources[1].existing:',
        `table "${prefix}-telemetry" not found`,
        `aws dynamodb create-table --table-name ${prefix}-telemetry`,
      ],
      [
        'sources[1].existing.kinesisStreamArn',
        `Kinesis stream "${prefix}-telemetry" not found`,
        `aws kinesis create-stream --stream-name ${prefix}-telemetry`,
      ],
      ['sinks.dynamodb.tables[0].existing', `table "${prefix}-series" not found`, 'KeyType=RANGE'],
      [
        'topics[0].existing',
        `topic "${prefix}.orders" not found`,
        `--create --topic ${prefix}.orders --partitions 3`,
      ],
      [
        'cache.existing.authSecretArn',
        'not found on moto',
        `aws secretsmanager create-secret --name ${prefix}-cache`,
      ],
    ];
    expect(lines).toHaveLength(expectations.length);
    for (const [path, problem, command] of expectations) {
      const line = lines.find((candidate) => candidate.startsWith(path));
      expect(line, path).toBeDefined();
      expect(line).toContain(problem);
      expect(line).toContain(
        `create it: ${command.startsWith('--') || command.startsWith('Key') ? '' : command}`,
      );
      expect(line).toContain(command);
    }
    expect(await tableExists(clients, `${prefix}-telemetry`)).toBe(false);
    expect(await tableExists(clients, `${prefix}-series`)).toBe(false);
    expect(await (await clients.kafkaAdmin()).listTopics()).not.toContain(`${prefix}.orders`);
  });
});
