/**
 * The change bridge's throughput on a 1000-record DynamoDB Streams batch, against the local Kafka broker.
 * Contenders in cdcFixture.ts. Details: docs/performance.md ("How the benchmarks
 * measure").
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Message, PartitionMetadata } from 'kafkajs';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { produceEncodingInstalled } from '../lambdas/core/kafka/produceEncoding';
import { acquireServices } from '../local/services';
import { bundleEntry } from './bundles';
import { cdcAllocation } from './cdcAllocation';
import {
  BATCH,
  type CdcContenders,
  cdcContenders,
  createTopic,
  deleteTopic,
  PARTITIONS,
  TABLE,
} from './cdcFixture';
import type { Allocation, Benchmark, Figure, Throughput, Variant } from './harness';
import { figuresTable, gcMillisecondsPerRun, measureInterleaved, ratioFigure } from './harness';

const LINEAGE = 'bench-ddb-stream-to-kafka';
const MB = 1e6;

/**
 * Fails unless the stock baseline's kafkajs (this process's) is stock and the handler's (the bundle's own copy)
 * encodes with streambridge's record encoder, as the deployed handler does.
 */
function assertEncoders(cdc: CdcContenders): void {
  if (produceEncodingInstalled()) {
    throw new Error('the stock baseline must be stock kafkajs, but its Produce encoding was replaced');
  }
  if (!cdc.deployed.produceEncodingInstalled()) {
    throw new Error("the bundled handler's producer did not install its record encoding");
  }
}

/**
 * The CPU part of the same-producer send: the prebuilt messages put on partitions by the producer's own
 * partitioner and encoded into one Produce request (acks=-1, gzip) by the bundled encoder, as kafkajs's
 * `sendBatch` does before writing to the socket; no I/O.
 */
function encodeOnly(cdc: CdcContenders): () => Promise<unknown> {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return () => {
    const topicData = cdc.prepared.map(({ topic, messages }) => {
      const byPartition = new Map<number, Message[]>();
      for (const message of messages) {
        const partition = partitioner({ topic, partitionMetadata, message });
        const list = byPartition.get(partition) ?? [];
        list.push(message);
        byPartition.set(partition, list);
      }
      return {
        topic,
        partitions: [...byPartition].map(([partition, list]) => ({ partition, messages: list })),
      };
    });
    return cdc.deployed.encodeProduceRequest({
      acks: -1,
      timeout: 30_000,
      compression: CompressionTypes.GZIP,
      topicData,
    });
  };
}

/** The steps of the bridge's own work, each a variant over the same batch, with the bundled code. */
function stepVariants(cdc: CdcContenders, delivered: () => DynamoDBRecord[]): Variant[] {
  const { deployed } = cdc;
  const carrier = deployed.dynamoDbStreamCarrier;
  const plans = deployed.compileTablePlans(cdc.slice, { salt: '' });
  const plan = plans.tables.get(TABLE);
  if (!plan) throw new Error(`no plan for ${TABLE}`);
  const producedAtMs = Date.now();
  const changes = cdc.parse().map((record) => ({
    change: carrier.decode(record),
    location: carrier.locate(record),
  }));
  const messageInput = ({ change, location }: (typeof changes)[number]) => ({
    plan,
    change,
    location,
    producedAtMs,
    lineage: LINEAGE,
    maxMessageBytes: plans.maxMessageBytes,
  });
  const built = changes.flatMap((c) => deployed.changeMessages(messageInput(c)));
  const quietOutput = { write: () => undefined };
  const withoutSend = new deployed.ChangeBridge({
    plans,
    kafka: { send: async () => undefined, reset: async () => undefined },
    deadLetters: { send: async () => undefined },
    logger: new deployed.Logger('ddb-stream-to-kafka', quietOutput),
    metrics: new deployed.Metrics('ddb-stream-to-kafka', quietOutput),
    lineage: LINEAGE,
  });
  let records: DynamoDBRecord[] = [];
  const parse = () => {
    records = delivered();
  };
  const step = (name: string, run: () => unknown, before?: () => void): Variant => ({
    name: `cdc-bridge step: ${name}`,
    records: BATCH,
    warmupRuns: 3,
    before,
    run: async () => run(),
  });
  return [
    step('bridge, its producer sending nothing', () => withoutSend.process(records, carrier), parse),
    step(
      'decode',
      () => {
        for (const record of records) {
          carrier.locate(record);
          carrier.decode(record);
        }
      },
      parse,
    ),
    step('envelope text', () => {
      for (const { change } of changes)
        deployed.changeEnvelopeText(change, producedAtMs, deployed.compiledJsonItemText);
    }),
    step('messages (envelope, headers, size check)', () => {
      for (const c of changes) deployed.changeMessages(messageInput(c));
    }),
    step('record sizes', () => {
      for (const m of built) deployed.recordBytes(m.key, m.value, m.headers);
    }),
    step('sends split and grouped', () => {
      for (const send of deployed.splitIntoSends(built, plans)) deployed.topicMessages(send);
    }),
    step("same producer's request encoded, not sent", encodeOnly(cdc)),
  ];
}

/** Milliseconds per 1000 records of a throughput. */
function msPer1000(t: Throughput): number {
  return 1e6 / t.recordsPerSecond;
}

function timeFigure(name: string, ms: number, handlerMs: number, note?: string): Figure {
  return {
    name: `cdc-bridge per 1000 records: ${name}`,
    value: Number(ms.toFixed(2)),
    unit: 'ms',
    detail: { shareOfHandler: `${Math.round((100 * ms) / handlerMs)} %`, ...(note ? { note } : {}) },
  };
}

function allocationFigure(name: string, a: Allocation): Figure {
  return {
    name: `cdc-bridge allocated per 1000 records: ${name}`,
    value: Number(((a.heapBytes + a.bufferBytes) / MB).toFixed(2)),
    unit: 'MB',
    detail: {
      heapMB: Number((a.heapBytes / MB).toFixed(2)),
      buffersMB: Number((a.bufferBytes / MB).toFixed(2)),
      samples: a.samples,
      method:
        'used heap + ArrayBuffer bytes before/after one send, no GC inside (child process, 256 MB young gen)',
    },
  };
}

export const cdcBridge: Benchmark = {
  name: 'cdc-bridge (ddb-stream-to-kafka)',
  async run({ quick }) {
    const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
    const topic = `bench-orders-changes-${randomUUID().slice(0, 8)}`;
    await createTopic(brokers, topic);
    const bundle = await bundleEntry('changeBridge');
    const cdc = await cdcContenders({ brokers, topic, bundle });
    try {
      let delivered: DynamoDBRecord[] = [];
      const naiveRecords = cdc.records.slice(0, quick ? 100 : 300);
      const [handler, sameProducer, stock, naive, ...steps] = await measureInterleaved(
        [
          {
            name: 'cdc-bridge handler',
            records: BATCH,
            warmupRuns: 3,
            before: () => {
              delivered = cdc.parse();
            },
            run: () => cdc.runHandler(delivered),
          },
          {
            name: 'cdc-bridge same producer sendBatch, prebuilt messages',
            records: BATCH,
            warmupRuns: 3,
            run: cdc.sendSameProducer,
          },
          {
            name: 'cdc-bridge stock kafkajs sendBatch, prebuilt messages',
            records: BATCH,
            warmupRuns: 3,
            run: cdc.sendStock,
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
                await cdc.stock.send({
                  topic,
                  messages: [message],
                  acks: -1,
                  compression: CompressionTypes.GZIP,
                });
              }
            },
          },
          ...stepVariants(cdc, () => cdc.parse()),
        ],
        quick ? 3 : 25,
      );
      assertEncoders(cdc);
      const [bridgeWork, decode, envelope, messages, sizes, split, encode] = (steps as Throughput[]).map(
        msPer1000,
      ) as [number, number, number, number, number, number, number];
      const handlerMs = msPer1000(handler);
      const sendMs = msPer1000(sameProducer);
      const breakdown: Figure[] = [
        timeFigure('handler', handlerMs, handlerMs),
        timeFigure('send (same producer, prebuilt messages)', sendMs, handlerMs),
        timeFigure(
          'send: request encoded (partitioner, records, gzip), no I/O',
          encode,
          handlerMs,
          "the send's CPU part in this process; the rest of the send is I/O and the broker",
        ),
        timeFigure('bridge work (the bridge, its producer sending nothing)', bridgeWork, handlerMs),
        timeFigure('bridge work: decode', decode, handlerMs),
        timeFigure('bridge work: envelope text', envelope, handlerMs),
        timeFigure(
          'bridge work: headers, key, topic and size check',
          messages - envelope - sizes,
          handlerMs,
          'messages step − envelope text − record sizes',
        ),
        timeFigure('bridge work: record sizes', sizes, handlerMs),
        timeFigure('bridge work: sends split and grouped', split, handlerMs),
        timeFigure(
          'bridge work: rest (batch bookkeeping, metrics, logs)',
          bridgeWork - decode - messages - split,
          handlerMs,
          'bridge work − decode − messages − split',
        ),
        timeFigure(
          'left over (handler − send − bridge work)',
          handlerMs - sendMs - bridgeWork,
          handlerMs,
          "what the two parts cost only together (the batch's garbage collected mid-send: compare the GC figures)",
        ),
      ];
      const gcRuns = quick ? 3 : 10;
      const gcHandler = await gcMillisecondsPerRun(
        () => cdc.runHandler(delivered),
        gcRuns,
        () => {
          delivered = cdc.parse();
        },
      );
      const gcSend = await gcMillisecondsPerRun(cdc.sendSameProducer, gcRuns);
      breakdown.push(
        timeFigure('GC during the handler', gcHandler, handlerMs, `GC profiler cost, mean of ${gcRuns} runs`),
        timeFigure(
          'GC during the same-producer send',
          gcSend,
          handlerMs,
          `GC profiler cost, mean of ${gcRuns} runs`,
        ),
      );
      process.stderr.write(
        `cdc-bridge: per 1000 records ${breakdown.map((f) => `${f.name.replace('cdc-bridge per 1000 records: ', '')} ${f.value} ms`).join(' · ')}\n`,
      );
      const allocation = await cdcAllocation({ brokers, topic, bundle, samples: quick ? 2 : 5 });
      return [
        handler.figure,
        sameProducer.figure,
        stock.figure,
        naive.figure,
        ratioFigure(
          'cdc-bridge handler vs the same producer sending prebuilt messages',
          handler,
          sameProducer,
          0.8,
        ),
        ratioFigure('cdc-bridge handler vs stock kafkajs sendBatch (different encoders)', handler, stock),
        ratioFigure(
          'cdc-bridge same producer vs stock kafkajs sendBatch (the encoder alone)',
          sameProducer,
          stock,
        ),
        ratioFigure('cdc-bridge handler vs naive per-record send', handler, naive, 10),
        ...breakdown,
        allocationFigure('stock kafkajs sendBatch', allocation.stock),
        allocationFigure('same producer sendBatch', allocation.sameProducer),
        allocationFigure('handler', allocation.handler),
      ];
    } finally {
      await cdc.close();
      await deleteTopic(brokers, topic).catch(() => undefined);
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
