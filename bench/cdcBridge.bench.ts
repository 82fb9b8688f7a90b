/**
 * The change bridge's throughput on a 1000-record DynamoDB Streams batch, against the local Kafka broker:
 *
 * - handler: the ddb-stream-to-kafka bridge (`createChangeBridge` + `process`, exactly what the handler's
 *   two lines run), bundled as the CDK bundles the handler (bundles.ts), on a batch parsed from JSON just
 *   before each run, as the Lambda runtime delivers one (untimed): decode, envelope, headers, size checks,
 *   one `sendBatch` (acks=-1, gzip);
 * - raw: stock kafkajs `sendBatch` of the very same messages (same keys, values, headers, acks,
 *   compression, partitioner) built in advance: the practical limit of the I/O with kafkajs as published;
 *   target handler ≥ 0.8× raw;
 * - raw with the handler's producer: the same prepared messages sent by the handler's own producer, which
 *   swaps kafkajs's record encoder for a faster one with the same bytes (produceEncoding.ts): no target,
 *   the handler against it shows what the bridge's own work (decode, envelope, headers, sizes) costs;
 * - naive: one awaited `send` per record after a plain unmarshall, as many public samples do; target ≥ 10×.
 *
 * The four alternate round by round (this machine is shared; load that comes and goes must weigh on all
 * of them alike), each run timed by the harness; each figure is the median of its rounds.
 *
 * Runnable alone: `npx tsx bench/cdcBridge.bench.ts [--quick]` (starts the local servers if needed).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { ChangeBridgeSlice } from '../config/validatePipelineConfig';
import { ChangeBridge } from '../lambdas/core/changeBridge/ChangeBridge';
import { dynamoDbStreamCarrier } from '../lambdas/core/changeBridge/dynamoDbStreamCarrier';
import { compileTablePlans } from '../lambdas/core/changeBridge/tablePlans';
import { produceEncodingInstalled } from '../lambdas/core/kafka/produceEncoding';
import { Logger } from '../lambdas/core/Logger';
import { Metrics } from '../lambdas/core/Metrics';
import { acquireServices } from '../local/services';
import { bundleEntry, loadBundle } from './bundles';
import type { Benchmark, Figure } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const BATCH = 1000;
const PARTITIONS = 6;
export const TABLE = 'sb-bench-orders';
const STREAM_ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}/stream/2026-11-26T00:00:00.000`;
const quiet = () => undefined;

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

/** The messages the bridge produces for a batch, captured from its send (for the raw baseline). */
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

/**
 * Fails unless the raw baseline's kafkajs (this process's) is stock and the handler's (the bundle's own copy)
 * encodes with streambridge's record encoder, as the deployed handler does.
 */
function assertEncoders(deployed: { produceEncodingInstalled(): boolean }): void {
  if (produceEncodingInstalled()) {
    throw new Error('the raw baseline must be stock kafkajs, but its Produce encoding was replaced');
  }
  if (!deployed.produceEncodingInstalled()) {
    throw new Error("the bundled handler's producer did not install its record encoding");
  }
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

export const cdcBridge: Benchmark = {
  name: 'cdc-bridge (ddb-stream-to-kafka)',
  async run({ quick }) {
    const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
    const kafka = new Kafka({
      clientId: 'bench-cdc',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = `bench-orders-changes-${randomUUID().slice(0, 8)}`;
    const slice: ChangeBridgeSlice = {
      sources: [{ name: TABLE, partitionKey: { name: 'orderId', type: 'S' }, topic }],
      topics: [{ name: topic, partitions: PARTITIONS }],
    };
    const records = Array.from({ length: BATCH }, (_, i) => orderRecord(i));
    const eventText = JSON.stringify({ Records: records });
    let delivered = records;
    await createTopic(kafka, topic);
    const deployed = loadBundle<typeof import('./entries/changeBridge')>(await bundleEntry('changeBridge'));
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
    const producer: Producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const handlerProducer = new deployed.KafkaProducerProvider({
      settings: { brokers: brokers.split(','), auth: 'plaintext', compression: 'gzip' },
      clientId: 'bench-cdc-handler-producer',
      logger: new deployed.Logger('bench', { write: quiet }),
    });
    try {
      const prepared = await bridgeMessages(slice, records);
      const naiveRecords = records.slice(0, quick ? 100 : 300);
      const [handler, raw, rawHandlerProducer, naive] = await measureInterleaved(
        [
          {
            name: 'cdc-bridge handler',
            records: BATCH,
            warmupRuns: 3,
            before: () => {
              delivered = (JSON.parse(eventText) as { Records: DynamoDBRecord[] }).Records;
            },
            run: async () => {
              const { batchItemFailures } = await bridge.process(delivered, deployed.dynamoDbStreamCarrier);
              if (batchItemFailures.length > 0) throw new Error(`${batchItemFailures.length} records failed`);
            },
          },
          {
            name: 'cdc-bridge raw kafkajs sendBatch',
            records: BATCH,
            warmupRuns: 3,
            run: () =>
              producer.sendBatch({ topicMessages: prepared, acks: -1, compression: CompressionTypes.GZIP }),
          },
          {
            name: 'cdc-bridge raw sendBatch, handler producer',
            records: BATCH,
            warmupRuns: 3,
            run: () => handlerProducer.send(prepared, 30_000),
          },
          {
            name: 'cdc-bridge naive send per record',
            records: naiveRecords.length,
            run: async () => {
              for (const record of naiveRecords) {
                const change = record.dynamodb ?? {};
                const message: Message = {
                  key: String(change.Keys?.orderId?.S),
                  value: JSON.stringify({
                    op: record.eventName,
                    key: unmarshall(change.Keys as never),
                    before: change.OldImage ? unmarshall(change.OldImage as never) : null,
                    after: change.NewImage ? unmarshall(change.NewImage as never) : null,
                  }),
                };
                await producer.send({
                  topic,
                  messages: [message],
                  acks: -1,
                  compression: CompressionTypes.GZIP,
                });
              }
            },
          },
        ],
        quick ? 3 : 25,
      );
      assertEncoders(deployed);
      const figures: Figure[] = [
        handler.figure,
        raw.figure,
        rawHandlerProducer.figure,
        naive.figure,
        ratioFigure('cdc-bridge handler vs raw sendBatch', handler, raw, 0.8),
        ratioFigure('cdc-bridge handler vs raw sendBatch, handler producer', handler, rawHandlerProducer),
        ratioFigure('cdc-bridge handler producer vs stock kafkajs sendBatch', rawHandlerProducer, raw),
        ratioFigure('cdc-bridge handler vs naive per-record send', handler, naive, 10),
      ];
      return figures;
    } finally {
      await Promise.all([producer.disconnect(), bridge.close(), handlerProducer.reset()]);
      await deleteTopic(kafka, topic).catch(() => undefined);
    }
  },
};

async function runAlone(): Promise<void> {
  const lease = await acquireServices({ only: ['kafka'], log: (line) => process.stderr.write(`${line}\n`) });
  Object.assign(process.env, lease.env);
  try {
    const figures = await cdcBridge.run({ quick: process.argv.includes('--quick') });
    process.stdout.write(`${figuresTable(figures)}\n`);
  } finally {
    await lease.release();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runAlone();
