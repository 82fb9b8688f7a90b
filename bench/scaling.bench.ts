/**
 * Scaling curve: how each handler's cost grows with its batch. For the CDC bridge (DynamoDB Streams →
 * Kafka), the Redis sink and the DynamoDB sink, at batches of 10, 100, 1 000 and 10 000 records. Details:
 * docs/performance.md ("How the benchmarks measure").
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { ChangeBridgeSlice } from '../config/validatePipelineConfig';
import { createChangeBridge } from '../lambdas/core/change-bridge/createChangeBridge';
import { dynamoDbStreamCarrier } from '../lambdas/core/change-bridge/dynamoDbStreamCarrier';
import { HANDLER_ENV } from '../lambdas/core/constants';
import { mskEvent } from '../local/events/mskEvents';
import type { ServicesOptions } from '../local/services';
import { freePort, LOCAL_AWS, startServices, stopServices } from '../local/services';
import { bundleHandler } from './bundles';
import { TABLE as CDC_TABLE, orderRecord } from './cdcFixture';
import { quietDynamoSink } from './dynamoFixture';
import { pageViewsSink } from './dynamoSink.bench';
import type { Benchmark, Figure, Throughput } from './harness';
import { figuresTable, measureThroughput } from './harness';
import { mixedBatch, quietRedisSink, BENCH_CONFIG as REDIS_CONFIG } from './redisSink.bench';

export const SCALING_SIZES = [10, 100, 1_000, 10_000] as const;
const LAMBDA_MIB = 256;
/** Per-record time may grow this much from 1 000 to 10 000 records before it counts as not flat. */
const FLATNESS_CEILING = 1.5;
const root = join(import.meta.dirname, '..');
const quiet = { write: () => undefined };
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 60_000 };

/** One handler under test: its in-process entry, its bundle's environment, and batches of any size. */
interface ScalingSubject {
  /** Short label used in figure names. */
  readonly label: string;
  /** Folder under lambdas/ (bundled for the memory runs). */
  readonly handler: string;
  /** Environment of the bundled handler in the child process. */
  readonly env: NodeJS.ProcessEnv;
  /** A batch of `size` records at offsets no earlier invocation used. */
  nextEvent(size: number): unknown;
  invoke(event: unknown): Promise<void>;
  /** Untimed, before each timed run and each child: back to an empty sink where that matters. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function failIfAny(label: string, response: { batchItemFailures: readonly unknown[] }): void {
  if (response.batchItemFailures.length > 0)
    throw new Error(`${label}: ${response.batchItemFailures.length} records reported as failed`);
}

/** Moves every record of an MSK event `by` offsets on. */
function shiftOffsets(event: MSKEvent, by: number): MSKEvent {
  const records = Object.fromEntries(
    Object.entries(event.records).map(([id, list]) => [
      id,
      list.map((r) => ({ ...r, offset: r.offset + by })),
    ]),
  );
  return { ...event, records };
}

async function cdcSubject(): Promise<ScalingSubject> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
  const kafka = new Kafka({
    clientId: 'bench-scaling',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `bench-scaling-orders-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const slice: ChangeBridgeSlice = {
    sources: [{ name: CDC_TABLE, partitionKey: { name: 'orderId', type: 'S' }, topic }],
    topics: [{ name: topic, partitions: 6 }],
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [HANDLER_ENV.config]: JSON.stringify(slice),
    [HANDLER_ENV.kafkaBrokers]: brokers,
    [HANDLER_ENV.kafkaAuth]: 'plaintext',
    [HANDLER_ENV.kafkaCompression]: 'gzip',
    // No record of these batches is poison, so the queue is never called.
    [HANDLER_ENV.deadLetterQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-unused',
    [HANDLER_ENV.functionName]: 'bench-ddb-stream-to-kafka',
  };
  const bridge = createChangeBridge('ddb-stream-to-kafka', env, quiet);
  const records = Array.from({ length: SCALING_SIZES.at(-1) as number }, (_, i) => orderRecord(i));
  return {
    label: 'cdc-bridge',
    handler: 'ddb-stream-to-kafka',
    env,
    nextEvent: (size) => ({ Records: records.slice(0, size) }),
    async invoke(event) {
      const { Records } = event as { Records: typeof records };
      failIfAny('cdc-bridge', await bridge.process(Records, dynamoDbStreamCarrier));
    },
    reset: async () => undefined,
    async close() {
      await bridge.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** A private server of one kind on a free port, in its own state directory. */
async function privateServer(name: 'redis' | 'moto'): Promise<{ url: string; stop(): Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), `sb-bench-scaling-${name}-`));
  const port = await freePort();
  const options: ServicesOptions = { only: [name], stateDir, ports: { [name]: port }, log: () => undefined };
  await startServices(options);
  return {
    url: `${name === 'redis' ? 'redis' : 'http'}://127.0.0.1:${port}`,
    async stop() {
      await stopServices(options);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function redisSubject(): Promise<ScalingSubject> {
  const server = await privateServer('redis');
  const admin = new Redis(server.url);
  const client = new Redis(server.url);
  const handle = quietRedisSink(REDIS_CONFIG, client, false);
  let offset = 0;
  return {
    label: 'redis-sink',
    handler: 'kafka-to-redis',
    env: {
      ...process.env,
      [HANDLER_ENV.config]: JSON.stringify(REDIS_CONFIG),
      [HANDLER_ENV.redisUrl]: server.url,
      [HANDLER_ENV.deadLetterQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-unused',
    },
    nextEvent(size) {
      const event = shiftOffsets(mixedBatch(size), offset);
      offset += size;
      return event;
    },
    async invoke(event) {
      failIfAny('redis-sink', await handle(event as MSKEvent));
    },
    async reset() {
      await admin.flushdb();
    },
    async close() {
      admin.disconnect();
      client.disconnect();
      await server.stop();
    },
  };
}

const CLICK_TOPIC = 'clickstream';
const T0 = 1_764_144_000_000;

/** Clicks over 50 keys (25 pages × 2 hours) for the counter view. */
function clickSpecs(size: number, firstOffset: number) {
  return Array.from({ length: size }, (_, i) => {
    const page = `page-${i % 25}`;
    const value = { page, ts: T0 + (Math.floor(i / 25) % 2) * 3_600_000, quantity: (i % 7) + 1 };
    return { topic: CLICK_TOPIC, offset: firstOffset + i, value, key: page };
  });
}

async function dynamoSubject(): Promise<ScalingSubject> {
  const server = await privateServer('moto');
  const awsEnv = {
    AWS_ENDPOINT_URL_DYNAMODB: server.url,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.secretAccessKey,
  };
  const client = new DynamoDBClient({
    endpoint: server.url,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
  });
  const config = await pageViewsSink(client, 'bench-scaling-page-views', 'bench-scaling');
  const handler = quietDynamoSink(config, client);
  let offset = 0;
  return {
    label: 'dynamodb-sink',
    handler: 'kafka-to-dynamodb',
    env: {
      ...process.env,
      ...awsEnv,
      [HANDLER_ENV.config]: JSON.stringify(config),
      [HANDLER_ENV.deadLetterQueueUrl]: 'http://127.0.0.1:1/000000000000/bench-unused',
    },
    nextEvent(size) {
      const event = mskEvent(clickSpecs(size, offset));
      offset += size;
      return event;
    },
    async invoke(event) {
      failIfAny('dynamodb-sink', await handler(event as MSKEvent, context as never));
    },
    reset: async () => undefined,
    async close() {
      client.destroy();
      await server.stop();
    },
  };
}

/**
 * Loads a handler bundle (or none, for the event-only baseline), parses the batch from its JSON file,
 * invokes the handler once and writes the process's peak RSS to the result file (stdout carries the
 * handler's own logs).
 */
const MEMORY_SCRIPT = `
const { readFileSync, writeFileSync } = require('node:fs');
const [bundle, eventFile, resultFile] = process.argv.slice(1);
const entry = bundle === '-' ? undefined : require(bundle);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 60000 };
Promise.resolve(entry ? entry.handler(event, context) : { batchItemFailures: [] }).then(
  (response) => {
    const failures = (response && response.batchItemFailures ? response.batchItemFailures : []).length;
    writeFileSync(resultFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, failures }));
    process.exit(0);
  },
  (error) => { console.error(error); process.exit(1); },
);
`;

/** Peak RSS in MiB of one invocation of `bundle` (or `-`) on `event` in a fresh Node process. */
async function peakRssMiB(
  bundle: string,
  event: unknown,
  env: NodeJS.ProcessEnv,
  dir: string,
): Promise<number> {
  const eventFile = join(dir, 'event.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
  rmSync(resultFile, { force: true });
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', MEMORY_SCRIPT, bundle, eventFile, resultFile], {
      env,
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0)
    throw new Error(`memory run of ${bundle} exited with ${code}: ${stderr.join('').slice(-2000)}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { maxRssKiB: number; failures: number };
  if (result.failures > 0) throw new Error(`memory run of ${bundle}: ${result.failures} records failed`);
  return Number((result.maxRssKiB / 1024).toFixed(1));
}

/** Quick mode (CI smoke) keeps the two sizes the flatness figure compares and one memory run per handler. */
function plan(quick: boolean) {
  return quick
    ? { sizes: [1_000, 10_000], memorySizes: [10_000], runs: 1, minRecordsPerRun: 0, eventOnly: false }
    : {
        sizes: [...SCALING_SIZES],
        memorySizes: [...SCALING_SIZES],
        runs: 3,
        minRecordsPerRun: 200,
        eventOnly: true,
      };
}

async function measureSubject(subject: ScalingSubject, quick: boolean, dir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const { sizes, memorySizes, runs, minRecordsPerRun, eventOnly: withEventOnly } = plan(quick);
  const throughputs = new Map<number, Throughput>();
  for (const size of sizes) {
    const invocations = Math.max(1, Math.ceil(minRecordsPerRun / size));
    let events: unknown[] = [];
    const result = await measureThroughput(
      `scaling ${subject.label} batch ${size}`,
      size * invocations,
      async () => {
        for (const event of events) await subject.invoke(event);
      },
      {
        runs,
        before: async () => {
          await subject.reset();
          events = Array.from({ length: invocations }, () => subject.nextEvent(size));
        },
      },
    );
    throughputs.set(size, result);
  }

  const bundle = await bundleHandler(subject.handler);
  const rss = new Map<number, number>();
  for (const size of memorySizes) {
    await subject.reset();
    rss.set(size, await peakRssMiB(bundle, subject.nextEvent(size), subject.env, dir));
  }
  const largest = SCALING_SIZES.at(-1) as number;
  const eventOnly = withEventOnly
    ? await peakRssMiB('-', subject.nextEvent(largest), subject.env, dir)
    : undefined;

  for (const [size, result] of throughputs) {
    const peak = rss.get(size);
    figures.push({
      ...result.figure,
      detail: {
        ...result.figure.detail,
        invocationsPerRun: (result.figure.detail?.records as number) / size,
        usPerRecord: Number((1e6 / result.recordsPerSecond).toFixed(1)),
        ...(peak === undefined ? {} : { peakRssMiB: peak }),
      },
    });
  }
  const mid = throughputs.get(1_000) as Throughput;
  const big = throughputs.get(largest) as Throughput;
  const growth = Number((mid.recordsPerSecond / big.recordsPerSecond).toFixed(2));
  figures.push({
    name: `scaling ${subject.label} per-record time, 10 000 vs 1 000 batch`,
    value: growth,
    unit: 'x',
    baseline: mid.name,
    ratio: growth,
    target: FLATNESS_CEILING,
    targetIsCeiling: true,
    detail: {
      usPerRecordAt1000: Number((1e6 / mid.recordsPerSecond).toFixed(1)),
      usPerRecordAt10000: Number((1e6 / big.recordsPerSecond).toFixed(1)),
    },
  });
  const peak = rss.get(largest) as number;
  figures.push({
    name: `${subject.handler} peak RSS, 10 000-record batch`,
    value: peak,
    unit: 'MiB',
    baseline: `${LAMBDA_MIB} MB Lambda`,
    ratio: Number((peak / LAMBDA_MIB).toFixed(2)),
    target: 1,
    targetIsCeiling: true,
    detail: {
      ...(eventOnly === undefined ? {} : { eventOnlyMiB: eventOnly }),
      ...Object.fromEntries([...rss].map(([size, mib]) => [`peakRssMiBAt${size}`, mib])),
    },
  });
  return figures;
}

export const scaling: Benchmark = {
  name: 'scaling curve (batch 10 … 10 000)',
  async run({ quick }) {
    const dir = join(root, '.streambridge', 'bench', 'scaling');
    mkdirSync(dir, { recursive: true });
    const figures: Figure[] = [];
    for (const create of [cdcSubject, redisSubject, dynamoSubject]) {
      const subject = await create();
      try {
        figures.push(...(await measureSubject(subject, quick, dir)));
      } finally {
        await subject.close();
      }
    }
    return figures;
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await scaling.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
}
