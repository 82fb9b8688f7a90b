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
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoSinkConfig, SinkTableConfig } from '../../../lambdas/core/config/types';
import { DeadLetterQueue } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { ChangeEnvelope } from '../../../lambdas/core/types';
import type { DynamoSinkHandler } from '../../../lambdas/kafka-to-dynamodb/createDynamoSinkHandler';
import { createDynamoSinkHandler } from '../../../lambdas/kafka-to-dynamodb/createDynamoSinkHandler';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
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

/** A real SQS queue on moto as the dead-letter destination, and a reader of its letters. */
export class TestDeadLetterQueue {
  readonly #sqs = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
  readonly #received: Record<string, unknown>[] = [];
  #queueUrl = '';
  #queue: DeadLetterQueue | undefined;

  async create(): Promise<DeadLetterQueue> {
    const created = await this.#sqs.send(
      new CreateQueueCommand({ QueueName: uniqueName('dynamo-sink-dlq') }),
    );
    this.#queueUrl = created.QueueUrl as string;
    this.#queue = new DeadLetterQueue({
      queueUrl: this.#queueUrl,
      handler: 'kafka-to-dynamodb',
      client: this.#sqs,
    });
    return this.#queue;
  }

  get queueUrl(): string {
    return this.#queueUrl;
  }

  /**
   * Receives until `count` letters about `topic` arrived (bounded poll), and returns those letters. The
   * queue is shared by the tests of a file: each reads the letters of its own topic.
   */
  async letters(topic: string, count: number, timeoutMs = 10_000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    const mine = () =>
      this.#received.filter((letter) => (letter.coordinates as { topic?: string }).topic === topic);
    while (mine().length < count && Date.now() < deadline) {
      const { Messages = [] } = await this.#sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.#queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      this.#received.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>));
      if (Messages.length > 0) {
        await this.#sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }
    return mine();
  }

  async destroy(): Promise<void> {
    if (this.#queueUrl) await this.#sqs.send(new DeleteQueueCommand({ QueueUrl: this.#queueUrl }));
    this.#sqs.destroy();
  }
}

/** The sink handler on the given config and client, with logs and EMF lines captured (not printed). */
export function sinkHandler(options: {
  config: DynamoSinkConfig;
  client: DynamoSend;
  deadLetters: Pick<DeadLetterQueue, 'send'>;
}): { handler: DynamoSinkHandler; logs: string[] } {
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
