/**
 * Fixtures of the DynamoDB sink's integration tests: real tables and dead-letter queues on the local moto
 * server (unique names per test), the sink handler wired to them, readers of what they hold, and the record
 * factories (events and change envelopes) the tests produce to Kafka.
 */
import { randomUUID } from 'node:crypto';
import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import type { DynamoMapping, DynamoSinkConfig, SinkTableConfig } from '../../../config/types';
import type { DeadLetterQueue } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { KafkaSinkHandler } from '../../../lambdas/core/sink/createKafkaSinkHandler';
import type { ChangeEnvelope } from '../../../lambdas/core/types';
import { createDynamoSinkHandler } from '../../../lambdas/kafka-to-dynamodb/createDynamoSinkHandler';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { createTestTopic, deleteTestTopic, localKafka } from '../helpers/kafkaMskEvents';
import { type ReceivedDeadLetter, SqsDeadLetterQueue } from '../helpers/sqsDeadLetterQueue';
import { awsClientConfig } from '../serviceEnv';

/** 2025-11-26T08:00:00Z: event times of the tests. */
export const T0 = 1_764_144_000_000;

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
}

/** Creates an on-demand table shaped as the sink config declares it (TTL enabled on its TTL attribute). */
export async function createSinkTable(client: DynamoDBClient, table: SinkTableConfig): Promise<void> {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  const attributes: AttributeDefinition[] = keys.map((k) => ({
    AttributeName: k.name,
    AttributeType: k.type,
  }));
  const schema: KeySchemaElement[] = keys.map((k, i) => ({
    AttributeName: k.name,
    KeyType: i === 0 ? 'HASH' : 'RANGE',
  }));
  await client.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes,
      KeySchema: schema,
    }),
  );
  if (table.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: table.ttlAttribute },
      }),
    );
  }
}

export async function deleteTables(client: DynamoDBClient, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => client.send(new DeleteTableCommand({ TableName: name }))));
}

/** Every item of a table as plain JSON (bookkeeping attributes included), sorted by key for comparison. */
export async function scanItems(client: DynamoSend, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  for (let page = 0; page < 1000; page++) {
    const response = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(response.Items ?? []).map((item) => unmarshall(item)));
    start = response.LastEvaluatedKey;
    if (!start) break;
  }
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/**
 * The dead-letter queue the tests of one file share (a real SQS queue on moto), read per topic: each test
 * reads the letters about its own topic, and letters about other topics stay for their tests.
 */
export class TestDeadLetterQueue {
  readonly #received: ReceivedDeadLetter[] = [];
  #queue: SqsDeadLetterQueue | undefined;

  async create(): Promise<DeadLetterQueue> {
    this.#queue = await SqsDeadLetterQueue.create('dynamo-sink-dlq', 'kafka-to-dynamodb');
    return this.#queue.queue;
  }

  get queueUrl(): string {
    return this.#queue?.queueUrl ?? '';
  }

  /** Receives until `count` letters about `topic` arrived (bounded poll), and returns those letters. */
  async letters(topic: string, count: number, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const queue = this.#queue;
    if (!queue) throw new Error('TestDeadLetterQueue: letters read before create()');
    const deadline = Date.now() + timeoutMs;
    const mine = () =>
      this.#received.filter((letter) => (letter.coordinates as { topic?: string }).topic === topic);
    while (mine().length < count && Date.now() < deadline) {
      this.#received.push(...(await queue.receive(1, deadline - Date.now())));
    }
    return mine();
  }

  async destroy(): Promise<void> {
    await this.#queue?.delete();
  }
}

/** The sink handler on the given config and client, with logs and EMF lines captured (not printed). */
export function sinkHandler(options: {
  config: DynamoSinkConfig;
  client: DynamoSend;
  deadLetters: Pick<DeadLetterQueue, 'send'>;
}): { handler: KafkaSinkHandler; logs: string[] } {
  const logs: string[] = [];
  const write = (line: string) => {
    logs.push(line);
  };
  const handler = createDynamoSinkHandler({
    ...options,
    logger: new Logger('kafka-to-dynamodb', { write }),
    metrics: new Metrics('kafka-to-dynamodb', { write }),
  });
  return { handler, logs };
}

/** What {@link DynamoSinkFixture.setUp} makes: one table, one topic, and the sink handler of one mapping. */
export interface SinkUnderTest {
  readonly table: SinkTableConfig;
  readonly topic: string;
  readonly handler: KafkaSinkHandler;
  readonly logs: string[];
}

/**
 * The resources the tests of one file share: a DynamoDB client, a Kafka client, one dead-letter queue, and
 * the tables and topics its tests create (each with a unique name), all removed after the file.
 */
export class DynamoSinkFixture {
  readonly client = dynamoClient();
  readonly kafka: Kafka = localKafka();
  readonly dlq = new TestDeadLetterQueue();
  readonly #tables: string[] = [];
  readonly #topics: string[] = [];
  #deadLetters: DeadLetterQueue | undefined;

  async start(): Promise<void> {
    this.#deadLetters = await this.dlq.create();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#topics.map((t) => deleteTestTopic(this.kafka, t)));
    await deleteTables(this.client, this.#tables);
    await this.dlq.destroy();
    this.client.destroy();
  }

  get deadLetters(): DeadLetterQueue {
    if (!this.#deadLetters) throw new Error('DynamoSinkFixture: deadLetters read before start()');
    return this.#deadLetters;
  }

  /** Removes a table and topic a test created itself after the file. */
  adopt(table: string, topic: string): void {
    this.#tables.push(table);
    this.#topics.push(topic);
  }

  /** Creates the table (deleted after the file) and returns its config. */
  async createTable(table: SinkTableConfig): Promise<SinkTableConfig> {
    await createSinkTable(this.client, table);
    this.#tables.push(table.name);
    return table;
  }

  /** The sink handler on `config`, sending through `client` (the fixture's own by default). */
  handler(config: DynamoSinkConfig, client: DynamoSend = this.client) {
    return sinkHandler({ config, client, deadLetters: this.deadLetters });
  }

  /**
   * A new topic and table, and the handler of one mapping from that topic to that table.
   *
   * @example
   * ```ts
   * const { table, topic, handler } = await fixture.setUp({
   *   table: { name: uniqueName('orders'), partitionKey: { name: 'orderId', type: 'S' } },
   *   topic: { prefix: 'orders', partitions: 2 },
   *   mapping: (topic, table) => ({ name: 'order-state', topic, table, mode: 'state', ... }),
   * });
   * ```
   */
  async setUp(options: {
    table: SinkTableConfig;
    topic: { prefix: string; partitions: number };
    mapping: (topic: string, table: string) => DynamoMapping;
    client?: DynamoSend;
  }): Promise<SinkUnderTest> {
    const topic = await createTestTopic(this.kafka, options.topic.prefix, options.topic.partitions);
    this.#topics.push(topic);
    const table = await this.createTable(options.table);
    const config: DynamoSinkConfig = {
      consumerGroup: 'tests',
      tables: [table],
      mappings: [options.mapping(topic, table.name)],
    };
    return { table, topic, ...this.handler(config, options.client) };
  }
}

/**
 * A {@link DynamoSinkFixture} started before the tests of the calling `describe` and stopped after them.
 *
 * @example
 * ```ts
 * const fixture = useDynamoSinkFixture();
 * const { client, kafka, dlq } = fixture;
 * ```
 */
export function useDynamoSinkFixture(): DynamoSinkFixture {
  const fixture = new DynamoSinkFixture();
  beforeAll(() => fixture.start());
  afterAll(() => fixture.stop());
  return fixture;
}

/** A Lambda context with the given time left. */
export function lambdaContext(remainingMs = 60_000) {
  const deadline = Date.now() + remainingMs;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() };
}

/** A DynamoDB change envelope as the CDC bridge publishes it. */
export function changeEnvelope(
  op: 'c' | 'u' | 'd',
  sequenceNumber: string,
  key: Record<string, unknown>,
  image: Record<string, unknown> | null,
): ChangeEnvelope {
  return {
    op,
    key,
    before: op === 'd' ? image : null,
    after: op === 'd' ? null : image,
    source: {
      system: 'dynamodb',
      table: 'sb-products',
      region: 'us-east-1',
      eventId: `event-${sequenceNumber}`,
      sequenceNumber,
      ts_ms: T0,
      ttlExpired: false,
    },
    ts_ms: T0 + 5,
  };
}
