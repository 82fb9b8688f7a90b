/**
 * Checks, on the local servers, every resource a pipeline config declares existing, the way the other team
 * that owns them would have them: the table (and its stream, with both images) on moto, the Kinesis stream
 * on kinesis-mock, the topics on the broker, the broker itself, the cache and its secret. Each one missing
 * is one line naming the config field, the resource, and the command that creates it.
 */

import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  ResourceNotFoundException as KinesisNotFound,
} from '@aws-sdk/client-kinesis';
import {
  GetSecretValueCommand,
  ResourceNotFoundException as SecretNotFound,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Redis } from 'ioredis';
import type { LocalClients } from '../LocalClients';
import { awsClientOptions } from '../localEndpoints';
import type {
  ExistingDeclarations,
  ExistingFound,
  ExistingKinesisStream,
  ExistingTable,
  MissingResource,
} from './types';

export interface ExistingCheck {
  readonly missing: readonly MissingResource[];
  readonly found: ExistingFound;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function keyArguments(table: ExistingTable): string {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  const definitions = keys.map((key) => `AttributeName=${key.name},AttributeType=${key.type}`).join(' ');
  const schema = keys
    .map((key, i) => `AttributeName=${key.name},KeyType=${i === 0 ? 'HASH' : 'RANGE'}`)
    .join(' ');
  return `--attribute-definitions ${definitions} --key-schema ${schema}`;
}

const STREAM_SPECIFICATION = 'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES';

async function checkTable(
  clients: LocalClients,
  table: ExistingTable,
  missing: MissingResource[],
  found: Map<string, { tableArn: string; streamArn?: string }>,
): Promise<void> {
  const url = clients.endpoints.dynamodb;
  const described = await clients.dynamodb
    .send(new DescribeTableCommand({ TableName: table.tableName }))
    .then((output) => output.Table)
    .catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    });
  if (!described) {
    const stream = table.streamArn ? ` --stream-specification ${STREAM_SPECIFICATION}` : '';
    missing.push({
      path: table.path,
      problem: `table "${table.tableName}" not found on moto (DynamoDB at ${url})`,
      create: `aws dynamodb create-table --table-name ${table.tableName} ${keyArguments(table)} --billing-mode PAY_PER_REQUEST${stream} --endpoint-url ${url}`,
    });
    return;
  }
  const streamArn = described.StreamSpecification?.StreamEnabled ? described.LatestStreamArn : undefined;
  if (table.streamArn) {
    const view = described.StreamSpecification?.StreamViewType;
    if (!streamArn || view !== 'NEW_AND_OLD_IMAGES') {
      missing.push({
        path: `${table.path}.streamArn`,
        problem: `table "${table.tableName}" has no NEW_AND_OLD_IMAGES stream (${streamArn ? `its stream shows ${view}` : 'streams are off'})`,
        create: `aws dynamodb update-table --table-name ${table.tableName} --stream-specification ${STREAM_SPECIFICATION} --endpoint-url ${url} (then declare its LatestStreamArn)`,
      });
      return;
    }
    if (streamArn !== table.streamArn) {
      missing.push({
        path: `${table.path}.streamArn`,
        problem: `stream ${table.streamArn} is not table "${table.tableName}"'s stream (${streamArn})`,
        create: `aws dynamodbstreams list-streams --table-name ${table.tableName} --endpoint-url ${url} (declare the StreamArn it lists)`,
      });
      return;
    }
  }
  found.set(table.tableName, { tableArn: described.TableArn ?? '', ...(streamArn ? { streamArn } : {}) });
}

async function checkKinesisStream(
  clients: LocalClients,
  stream: ExistingKinesisStream,
  missing: MissingResource[],
  found: Map<string, string>,
): Promise<void> {
  const url = clients.endpoints.kinesis;
  const summary = await clients.kinesis
    .send(new DescribeStreamSummaryCommand({ StreamName: stream.streamName }))
    .then((output) => output.StreamDescriptionSummary)
    .catch((error: unknown) => {
      if (error instanceof KinesisNotFound) return undefined;
      throw error;
    });
  if (!summary?.StreamARN) {
    missing.push({
      path: stream.path,
      problem: `Kinesis stream "${stream.streamName}" not found on kinesis-mock (${url})`,
      create: `aws kinesis create-stream --stream-name ${stream.streamName} --shard-count 1 --endpoint-url ${url}`,
    });
    return;
  }
  found.set(stream.streamName, summary.StreamARN);
}

async function checkCache(
  clients: LocalClients,
  existing: NonNullable<ExistingDeclarations['cache']>,
  missing: MissingResource[],
): Promise<void> {
  const { redisUrl, dynamodb: motoUrl } = clients.endpoints;
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    missing.push({
      path: existing.path,
      problem: `the local cache (redis-server at ${redisUrl}) is not reachable: ${message(error)}`,
      create: 'npx streambridge services up',
    });
  } finally {
    redis.disconnect();
  }
  // The secret the sink reads in AWS: locally it is on moto's Secrets Manager, and the sink reaches the
  // local redis-server without it.
  const secrets = new SecretsManagerClient({
    ...awsClientOptions(clients.endpoints, 'dynamodb'),
    ...(motoUrl ? { endpoint: motoUrl } : {}),
  });
  try {
    await secrets.send(new GetSecretValueCommand({ SecretId: existing.authSecretArn }));
  } catch (error) {
    if (!(error instanceof SecretNotFound)) throw error;
    const name = existing.authSecretArn.replace(/^.*:secret:/, '').replace(/-[A-Za-z0-9]{6}$/, '');
    missing.push({
      path: `${existing.path}.authSecretArn`,
      problem: `secret ${existing.authSecretArn} not found on moto's Secrets Manager (${motoUrl})`,
      create: `aws secretsmanager create-secret --name ${name} --secret-string '{"password":"…"}' --endpoint-url ${motoUrl} (then declare the ARN it returns)`,
    });
  } finally {
    secrets.destroy();
  }
}

/**
 * Checks every declared resource; never creates or changes one.
 *
 * @example
 * ```ts
 * const { missing } = await checkExistingResources(clients, existingDeclarations(config));
 * for (const entry of missing) console.error(`${entry.path}: ${entry.problem}; create it: ${entry.create}`);
 * ```
 */
export async function checkExistingResources(
  clients: LocalClients,
  existing: ExistingDeclarations,
): Promise<ExistingCheck> {
  const missing: MissingResource[] = [];
  const tables = new Map<string, { tableArn: string; streamArn?: string }>();
  const kinesisStreams = new Map<string, string>();
  const topics = new Set<string>();
  for (const table of existing.tables) await checkTable(clients, table, missing, tables);
  for (const stream of existing.kinesisStreams)
    await checkKinesisStream(clients, stream, missing, kinesisStreams);

  const brokers = clients.endpoints.kafkaBrokers;
  if (existing.kafka || existing.topics.length > 0) {
    const names = await clients
      .kafkaAdmin()
      .then((admin) => admin.listTopics())
      .catch((error: unknown) => {
        missing.push({
          path: existing.kafka?.path ?? 'kafka',
          problem: `the local Kafka broker (${brokers}) is not reachable: ${message(error)}`,
          create: 'npx streambridge services up',
        });
        return undefined;
      });
    for (const topic of names ? existing.topics : []) {
      if (names?.includes(topic.name)) {
        topics.add(topic.name);
        continue;
      }
      missing.push({
        path: topic.path,
        problem: `topic "${topic.name}" not found on the local Kafka broker (${brokers})`,
        create: `kafka-topics.sh --bootstrap-server ${brokers} --create --topic ${topic.name} --partitions ${topic.partitions} --replication-factor 1`,
      });
    }
  }
  if (existing.cache) await checkCache(clients, existing.cache, missing);
  return { missing, found: { tables, kinesisStreams, topics } };
}
