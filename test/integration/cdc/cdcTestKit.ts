/**
 * What the change bridge integration tests share, against the real local servers: a source table with a
 * stream in moto and its records as Lambda would deliver them, Kinesis records as DynamoDB would put them
 * on a Kinesis stream (really put on and read back from kinesis-mock), Kafka topics and a reader that
 * returns a topic's whole content, an SQS dead-letter queue, and the bridge's environment.
 *
 * @example
 * ```ts
 * const table = await createSourceTable('orders', 'orderId');
 * await writeItems(table.name, [{ put: { orderId: { S: 'o-1' } } }]);
 * const records = await readStreamRecords(table, 1);
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand as GetKinesisRecordsCommand,
  GetShardIteratorCommand as GetKinesisShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { IHeaders, ITopicConfig, KafkaMessage } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { expect, vi } from 'vitest';
import type { PipelineConfig } from '../../../config/types';
import type { ChangeBridgeSlice } from '../../../config/validatePipelineConfig';
import { createTopicsAndWait } from '../../../local/deploy/deployTopic';
import { kinesisDocumentFromStreamRecord, lambdaRecordFromSdk } from '../../factories/cdcRecords';
import { runResources } from '../../targets/runResources';
import { awsClientConfig, integrationEnv, requireEnv } from '../serviceEnv';

export const POLL = { timeout: 30_000, interval: 200 } as const;

/** A name of this test run (`sbt-<run id>-<prefix>-<6 hex>`): see test/targets/TargetResources.ts. */
export function uniqueName(prefix: string): string {
  return runResources().name(prefix);
}

export function clients() {
  return {
    dynamodb: new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB')),
    streams: new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS')),
    kinesis: new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS')),
    sqs: new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS')),
  };
}

export type Clients = ReturnType<typeof clients>;

export interface SourceTable {
  readonly name: string;
  readonly streamArn: string;
}

export async function createSourceTable(
  aws: Clients,
  prefix: string,
  partitionKey: string,
  sortKey?: { name: string; type: 'S' | 'N' },
): Promise<SourceTable> {
  const name = uniqueName(prefix);
  const created = await aws.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        ...(sortKey ? [{ AttributeName: sortKey.name, AttributeType: sortKey.type }] : []),
      ],
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  runResources().track('DynamoDB table', name, async () => {
    await aws.dynamodb.send(new DeleteTableCommand({ TableName: name }));
  });
  const streamArn = created.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${name} has no stream`);
  return { name, streamArn };
}

export async function deleteSourceTable(_aws: Clients, table: SourceTable): Promise<void> {
  await runResources()
    .release(table.name)
    .catch(() => undefined);
}

type Item = Record<string, SdkAttributeValue>;

/** One write to a table, in the order given. */
export type Write =
  | { readonly put: Item }
  | { readonly update: { key: Item; set: Item } }
  | { readonly delete: Item };

export async function writeItems(aws: Clients, table: string, writes: readonly Write[]): Promise<void> {
  for (const write of writes) {
    if ('put' in write) {
      await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: write.put }));
    } else if ('update' in write) {
      const names = Object.keys(write.update.set);
      await aws.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: write.update.key,
          UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(
            names.map((n, i) => [`:v${i}`, write.update.set[n] as SdkAttributeValue]),
          ),
        }),
      );
    } else {
      await aws.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: write.delete }));
    }
  }
}

/** Reads the table's stream from the start until `count` records are there, as Lambda would deliver them. */
export async function readStreamRecords(
  aws: Clients,
  table: SourceTable,
  count: number,
): Promise<DynamoDBRecord[]> {
  const description = await aws.streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }));
  const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
  const { ShardIterator } = await aws.streams.send(
    new GetShardIteratorCommand({
      StreamArn: table.streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: _Record[] = [];
  let iterator = ShardIterator;
  await vi.waitFor(async () => {
    if (iterator) {
      const page = await aws.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      iterator = page.NextShardIterator;
    }
    expect(records.length).toBeGreaterThanOrEqual(count);
  }, POLL);
  return records.map((record) => lambdaRecordFromSdk(record, table.streamArn));
}

/** A one-shard Kinesis stream of this run, tracked for deletion, once it is ACTIVE. */
export async function createKinesisStream(aws: Clients, prefix: string): Promise<string> {
  const streamName = uniqueName(prefix);
  await aws.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  runResources().track('Kinesis stream', streamName, async () => {
    await aws.kinesis.send(
      new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }),
    );
  });
  await vi.waitFor(async () => {
    const summary = await aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
  }, POLL);
  return streamName;
}

/**
 * Puts each change on a real Kinesis stream the way DynamoDB's Kinesis streaming destination does (the
 * change JSON, partitioned by the item's key) and reads the records back as Lambda would deliver them.
 */
export async function viaKinesis(
  aws: Clients,
  changes: readonly DynamoDBRecord[],
): Promise<{
  records: KinesisStreamRecord[];
  streamName: string;
}> {
  const streamName = await createKinesisStream(aws, 'sb-cdc');
  for (const change of changes) {
    const createdAtMs = (change.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000;
    await aws.kinesis.send(
      new PutRecordCommand({
        StreamName: streamName,
        PartitionKey: JSON.stringify(change.dynamodb?.Keys),
        Data: Buffer.from(JSON.stringify(kinesisDocumentFromStreamRecord(change, createdAtMs))),
      }),
    );
  }
  const { Shards } = await aws.kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const shardId = Shards?.[0]?.ShardId as string;
  const { ShardIterator } = await aws.kinesis.send(
    new GetKinesisShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const summary = await aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN as string;
  const records: KinesisStreamRecord[] = [];
  let iterator = ShardIterator;
  await vi.waitFor(async () => {
    if (iterator) {
      const page = await aws.kinesis.send(new GetKinesisRecordsCommand({ ShardIterator: iterator }));
      iterator = page.NextShardIterator;
      for (const record of page.Records ?? []) {
        records.push({
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: record.PartitionKey as string,
            sequenceNumber: record.SequenceNumber as string,
            data: Buffer.from(record.Data ?? []).toString('base64'),
            approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shardId}:${record.SequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn: 'arn:aws:iam::000000000000:role/kinesis-to-kafka',
          awsRegion: integrationEnv().AWS_REGION ?? 'us-east-1',
          eventSourceARN: streamArn,
        });
      }
    }
    expect(records.length).toBeGreaterThanOrEqual(changes.length);
  }, POLL);
  return { records, streamName };
}

export async function deleteKinesisStream(_aws: Clients, streamName: string): Promise<void> {
  await runResources()
    .release(streamName)
    .catch(() => undefined);
}

export function localKafka(brokers = requireEnv('KAFKA_BROKERS')): Kafka {
  return new Kafka({ clientId: 'cdc-tests', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export async function createTopics(kafka: Kafka, topics: readonly ITopicConfig[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } catch {
    // Best effort: the broker may already be gone in fault tests.
  } finally {
    await admin.disconnect();
  }
}

export interface TopicMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string | null;
  readonly headers: Record<string, string>;
  /** The message as kafkajs read it: key, value and header bytes, timestamp. */
  readonly raw: KafkaMessage;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = String(value);
  return out;
}

/**
 * Everything on a topic, in offset order per partition: waits (bounded) until the topic holds at least
 * `atLeast` messages, then reads up to the end offsets, so a test sees duplicates too.
 */
export async function readTopic(kafka: Kafka, topic: string, atLeast: number): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[] = [];
  try {
    await vi.waitFor(async () => {
      ends = await admin.fetchTopicOffsets(topic);
      const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      expect(total).toBeGreaterThanOrEqual(atLeast);
    }, POLL);
  } finally {
    await admin.disconnect();
  }
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const consumer = kafka.consumer({ groupId: uniqueName('cdc-reader') });
  const messages: TopicMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: Number(message.offset),
          key: String(message.key),
          value: message.value === null ? null : message.value.toString('utf8'),
          headers: headerText(message.headers),
          raw: message,
        });
      },
    });
    await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(total), {
      timeout: 60_000,
      interval: 200,
    });
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export async function createQueue(aws: Clients): Promise<string> {
  const name = uniqueName('sb-cdc-dlq');
  const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('no queue URL');
  runResources().track('SQS queue', name, async () => {
    await aws.sqs.send(new DeleteQueueCommand({ QueueUrl }));
  });
  return QueueUrl;
}

export async function deleteQueue(_aws: Clients, queueUrl: string): Promise<void> {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  await runResources()
    .release(name)
    .catch(() => undefined);
}

/** Receives dead letters until `count` arrived (bounded), as parsed JSON bodies. */
export async function receiveDeadLetters(
  aws: Clients,
  queueUrl: string,
  count: number,
): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  await vi.waitFor(async () => {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages ?? []) bodies.push(JSON.parse(message.Body ?? '{}'));
    expect(bodies.length).toBeGreaterThanOrEqual(count);
  }, POLL);
  return bodies;
}

/**
 * The environment a deployed change bridge gets, pointed at the local servers: the config slice, plaintext
 * brokers, gzip, the dead-letter queue and the function name of the lineage header.
 */
export function bridgeEnvironment(options: {
  slice: ChangeBridgeSlice | Pick<PipelineConfig, 'sources' | 'topics'>;
  queueUrl: string;
  /** Unset: each handler names itself (`ddb-stream-to-kafka`, `kinesis-to-kafka`) in the lineage header. */
  functionName?: string;
  brokers?: string;
}): Record<string, string> {
  return {
    STREAMBRIDGE_CONFIG: JSON.stringify({ sources: options.slice.sources, topics: options.slice.topics }),
    KAFKA_BROKERS: options.brokers ?? requireEnv('KAFKA_BROKERS'),
    KAFKA_AUTH: 'plaintext',
    KAFKA_COMPRESSION: 'gzip',
    DEAD_LETTER_QUEUE_URL: options.queueUrl,
    ...(options.functionName ? { AWS_LAMBDA_FUNCTION_NAME: options.functionName } : {}),
    GOVERNANCE_HASH_SALT: 'integration-salt',
  };
}

/** A Lambda context whose deadline is `ms` away (the handlers read only these two members). */
export function lambdaContext(ms = 60_000): Context {
  const deadline = Date.now() + ms;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
}
