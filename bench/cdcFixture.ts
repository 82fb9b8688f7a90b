/**
 * What the CDC bridge benchmark and its allocation probe share: the 1000-record order batch, the topic, and
 * the contenders built over it — the deployed bridge (bundled like the handler), its producer alone, and
 * stock kafkajs, the last two sending the very messages the bridge produces, prebuilt.
 *
 * @example
 * ```ts
 * const cdc = await cdcContenders({ brokers, topic, bundle: await bundleEntry('changeBridge') });
 * await cdc.sendStock();
 * await cdc.close();
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Producer, TopicMessages } from 'kafkajs';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { ChangeBridgeSlice } from '../config/validatePipelineConfig';
import { ChangeBridge } from '../lambdas/core/change-bridge/ChangeBridge';
import { dynamoDbStreamCarrier } from '../lambdas/core/change-bridge/dynamoDbStreamCarrier';
import { compileTablePlans } from '../lambdas/core/change-bridge/tablePlans';
import { Logger } from '../lambdas/core/Logger';
import { Metrics } from '../lambdas/core/Metrics';
import { loadBundle } from './bundles';

export const BATCH = 1000;
export const PARTITIONS = 6;
export const TABLE = 'sb-bench-orders';
const STREAM_ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}/stream/2026-11-26T00:00:00.000`;
const SEND_BUDGET_MS = 30_000;
const quiet = () => undefined;

/** The handler's code as bundled for the benchmark (bench/entries/changeBridge.ts). */
export type DeployedBridge = typeof import('./entries/changeBridge');

/**
 * A realistic order change (11 attributes: numbers, a set, a map, a list of line maps), in the mix an order
 * table streams with NEW_AND_OLD_IMAGES: 3 in 10 INSERT (new image), 6 MODIFY (both), 1 REMOVE (old).
 */
export function orderRecord(i: number): DynamoDBRecord {
  const orderId = { S: `order-${i % 200}` };
  const image = (status: string) => ({
    orderId,
    customerId: { S: `customer-${i % 50}` },
    status: { S: status },
    total: { N: String(((i * 37) % 10_000) / 100) },
    currency: { S: 'EUR' },
    items: { N: String(1 + (i % 5)) },
    createdAt: { N: String(1_764_144_000 + i) },
    tags: { SS: ['web', `region-${i % 3}`] },
    shipping: { M: { city: { S: 'Lyon' }, zip: { S: '69001' }, express: { BOOL: i % 2 === 0 } } },
    lines: {
      L: [0, 1].map((l) => ({ M: { sku: { S: `sku-${(i + l) % 97}` }, qty: { N: String(l + 1) } } })),
    },
    note: { NULL: true },
  });
  const eventName = i % 10 < 3 ? 'INSERT' : i % 10 < 9 ? 'MODIFY' : 'REMOVE';
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
    dynamodb: {
      ApproximateCreationDateTime: 1_764_144_000 + i,
      Keys: { orderId },
      ...(eventName === 'INSERT' ? {} : { OldImage: image('new') }),
      ...(eventName === 'REMOVE' ? {} : { NewImage: image('paid') }),
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i)),
      SizeBytes: 400,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The bridge's config slice: the order table streaming to `topic`. */
export function cdcSlice(topic: string): ChangeBridgeSlice {
  return {
    sources: [{ name: TABLE, partitionKey: { name: 'orderId', type: 'S' }, topic }],
    topics: [{ name: topic, partitions: PARTITIONS }],
  };
}

/** The messages the bridge produces for a batch, captured from its send (for the prebuilt baselines). */
async function bridgeMessages(slice: ChangeBridgeSlice, records: DynamoDBRecord[]): Promise<TopicMessages[]> {
  const captured: TopicMessages[] = [];
  const bridge = new ChangeBridge({
    plans: compileTablePlans(slice, { salt: '' }),
    kafka: {
      send: async (batch) => {
        captured.push(...batch);
      },
      reset: async () => undefined,
    },
    deadLetters: { send: async () => undefined },
    logger: new Logger('bench', { write: quiet }),
    metrics: new Metrics('bench', { write: quiet }),
    lineage: 'bench-ddb-stream-to-kafka',
  });
  await bridge.process(records, dynamoDbStreamCarrier);
  return captured;
}

export async function createTopic(brokers: string, topic: string): Promise<void> {
  const admin = kafkaClient(brokers, 'bench-cdc-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopic(brokers: string, topic: string): Promise<void> {
  const admin = kafkaClient(brokers, 'bench-cdc-admin').admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

function kafkaClient(brokers: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export interface CdcContenders {
  readonly deployed: DeployedBridge;
  readonly slice: ChangeBridgeSlice;
  readonly records: readonly DynamoDBRecord[];
  /** The bridge's messages for `records`, prebuilt. */
  readonly prepared: TopicMessages[];
  /** Stock kafkajs, the package as published (this process's copy, never the bundle's). */
  readonly stock: Producer;
  /** The batch as Lambda delivers it: parsed from JSON (do it outside any timing). */
  parse(): DynamoDBRecord[];
  /** The handler: the bridge's `process` over a delivered batch. */
  runHandler(delivered: DynamoDBRecord[]): Promise<void>;
  /** Stock kafkajs `sendBatch` of the prebuilt messages (acks=-1, gzip). */
  sendStock(): Promise<unknown>;
  /** The handler's own producer (its record encoder installed) sending the prebuilt messages. */
  sendSameProducer(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the contenders on an existing topic, from the bundled handler code at `bundle`. */
export async function cdcContenders(options: {
  readonly brokers: string;
  readonly topic: string;
  readonly bundle: string;
}): Promise<CdcContenders> {
  const { brokers, topic } = options;
  const slice = cdcSlice(topic);
  const records = Array.from({ length: BATCH }, (_, i) => orderRecord(i));
  const eventText = JSON.stringify({ Records: records });
  const deployed = loadBundle<DeployedBridge>(options.bundle);
  const bridge = deployed.createChangeBridge(
    'ddb-stream-to-kafka',
    {
      ...process.env,
      STREAMBRIDGE_CONFIG: JSON.stringify(slice),
      KAFKA_BROKERS: brokers,
      KAFKA_AUTH: 'plaintext',
      KAFKA_COMPRESSION: 'gzip',
      // No record of the batch is poison, so the queue is never called.
      DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/000000000000/bench-unused',
      AWS_LAMBDA_FUNCTION_NAME: 'bench-ddb-stream-to-kafka',
    },
    { write: quiet },
  );
  const stock = kafkaClient(brokers, 'bench-cdc').producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await stock.connect();
  const handlerProducer = new deployed.KafkaProducerProvider({
    settings: { brokers: brokers.split(','), auth: 'plaintext', compression: 'gzip' },
    clientId: 'bench-cdc-handler-producer',
    logger: new deployed.Logger('bench', { write: quiet }),
  });
  const prepared = await bridgeMessages(slice, records);
  return {
    deployed,
    slice,
    records,
    prepared,
    stock,
    parse: () => (JSON.parse(eventText) as { Records: DynamoDBRecord[] }).Records,
    async runHandler(delivered) {
      const { batchItemFailures } = await bridge.process(delivered, deployed.dynamoDbStreamCarrier);
      if (batchItemFailures.length > 0) throw new Error(`${batchItemFailures.length} records failed`);
    },
    sendStock: () =>
      stock.sendBatch({ topicMessages: prepared, acks: -1, compression: CompressionTypes.GZIP }),
    sendSameProducer: () => handlerProducer.send(prepared, SEND_BUDGET_MS),
    async close() {
      await Promise.all([stock.disconnect(), bridge.close(), handlerProducer.reset()]);
    },
  };
}
