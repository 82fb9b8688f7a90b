/**
 * The Redis sink against the raw client doing the same I/O: a 10 000-record mixed MSK batch (clicks →
 * counters, a leaderboard, unique visitors and recent lists; session activity; product cache changes; device
 * readings → streams) applied by the handler, the raw client and a naive handler. Details:
 * docs/performance.md ("How the benchmarks measure").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { Cluster, Redis } from 'ioredis';
import { compileTemplate } from '../config/keyTemplate';
import type { RedisMapping, RedisSinkConfig } from '../config/types';
import { Logger } from '../lambdas/core/Logger';
import { Metrics } from '../lambdas/core/Metrics';
import type { KafkaSinkHandler } from '../lambdas/core/sink/createKafkaSinkHandler';
import { createRedisSinkHandler } from '../lambdas/kafka-to-redis/createRedisSinkHandler';
import type { RedisClient } from '../lambdas/kafka-to-redis/redisConnection';
import type { ServicesOptions } from '../local/services';
import { freePort, startLocalRedisCluster, startServices, stopServices } from '../local/services';
import type { Benchmark, Figure, Throughput } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const RECORDS = 10_000;
const HOUR = Date.UTC(2025, 10, 26, 8, 0, 0);
const TOPICS = {
  clicks: 'clickstream',
  sessions: 'sessions.changes',
  products: 'products.changes',
  readings: 'telemetry',
};

const MAPPINGS: RedisMapping[] = [
  {
    name: 'views',
    topic: TOPICS.clicks,
    operation: 'counter',
    key: 'views:{page}:{ts:yyyyMMddHH}',
    ttlSeconds: 7 * 86_400,
  },
  {
    name: 'top-products',
    topic: TOPICS.clicks,
    filter: { productId: [{ exists: true }] },
    operation: 'leaderboard',
    key: 'top-products:{ts:yyyyMMdd}',
    member: '{productId}',
    scoreField: 'quantity',
    mode: 'increment',
    ttlSeconds: 30 * 86_400,
  },
  {
    name: 'visitors',
    topic: TOPICS.clicks,
    operation: 'unique',
    key: 'visitors:{page}:{ts:yyyyMMdd}',
    element: '{userId}',
    ttlSeconds: 30 * 86_400,
  },
  { name: 'recent', topic: TOPICS.clicks, operation: 'list', key: 'recent:{page}', maxLength: 10 },
  {
    name: 'sessions',
    topic: TOPICS.sessions,
    operation: 'session',
    key: 'session:{sessionId}',
    ttlSeconds: 1800,
  },
  { name: 'products', topic: TOPICS.products, operation: 'cache', key: 'product:{productId}' },
  {
    name: 'readings',
    topic: TOPICS.readings,
    operation: 'stream',
    key: 'device:{deviceId}:readings',
    maxLength: 1000,
  },
];

export const BENCH_CONFIG: RedisSinkConfig = { consumerGroup: 'bench-redis-sink', mappings: MAPPINGS };

function record(topic: string, partition: number, offset: number, key: string, value: unknown): MSKRecord {
  return {
    topic,
    partition,
    offset,
    timestamp: HOUR,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(key).toString('base64'),
    value: Buffer.from(JSON.stringify(value)).toString('base64'),
    headers: [],
  };
}

/**
 * The mixed batch: 70% clicks (50 pages, 2 000 users, a product on every third) on 2 partitions, 15%
 * session activity (500 sessions), 10% product changes (300 products), 5% readings (20 devices).
 */
export function mixedBatch(records = RECORDS): MSKEvent {
  const grouped: Record<string, MSKRecord[]> = {};
  const offsets: Record<string, number> = {};
  const add = (topic: string, partition: number, key: string, value: unknown) => {
    const id = `${topic}-${partition}`;
    offsets[id] = (offsets[id] ?? -1) + 1;
    grouped[id] ??= [];
    grouped[id].push(record(topic, partition, offsets[id] as number, key, value));
  };
  for (let i = 0; i < records; i++) {
    const kind = i % 20;
    if (kind < 14) {
      const page = `page-${i % 50}`;
      const click = { page, userId: `user-${(i * 7919) % 2000}`, ts: HOUR + i * 100 };
      add(
        TOPICS.clicks,
        i % 2,
        page,
        i % 3 === 0 ? { ...click, productId: `sku-${i % 200}`, quantity: 1 + (i % 4) } : click,
      );
    } else if (kind < 17) {
      const sessionId = `s-${i % 500}`;
      add(TOPICS.sessions, 0, sessionId, {
        sessionId,
        userId: `user-${i % 2000}`,
        page: `page-${i % 50}`,
        at: HOUR + i,
      });
    } else if (kind < 19) {
      const productId = `sku-${i % 300}`;
      const item = { productId, name: `Product ${i % 300}`, price: 10 + (i % 90), stock: i % 17 };
      add(TOPICS.products, 0, productId, {
        op: 'u',
        key: { productId },
        before: null,
        after: item,
        source: {
          system: 'dynamodb',
          table: 'sb-products',
          region: 'us-east-1',
          eventId: `e${i}`,
          sequenceNumber: String(100_000_000_000_000_000_000 + i),
          ts_ms: HOUR,
          ttlExpired: false,
        },
        ts_ms: HOUR,
      });
    } else {
      const deviceId = `dev-${i % 20}`;
      add(TOPICS.readings, 0, deviceId, { deviceId, ts: HOUR + i, celsius: 20 + (i % 50) / 10 });
    }
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/bench/1',
    bootstrapServers: '127.0.0.1:19092',
    records: grouped,
  };
}

type Command = [name: string, ...args: string[]];

const compiled = MAPPINGS.map((m) => ({
  mapping: m,
  key: compileTemplate(m.key),
  member: m.operation === 'leaderboard' ? compileTemplate(m.member) : undefined,
  element: m.operation === 'unique' ? compileTemplate(m.element) : undefined,
}));

function flatPairs(fields: Record<string, unknown>): string[] {
  return Object.entries(fields).flatMap(([f, v]) => [f, typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** The per-record commands of the baselines: one per record and mapping, no guard, no TTL, no trim. */
export function perRecordCommands(event: MSKEvent): Command[] {
  const commands: Command[] = [];
  for (const records of Object.values(event.records)) {
    for (const r of records) {
      const parsed = JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')) as Record<string, unknown>;
      const fields = (parsed.after as Record<string, unknown> | undefined) ?? parsed;
      const context = { fields, meta: {} };
      for (const { mapping: m, key, member, element } of compiled) {
        if (m.topic !== r.topic) continue;
        if (m.operation === 'leaderboard' && fields.productId === undefined) continue;
        const k = key.render(context);
        if (m.operation === 'counter') commands.push(['INCRBY', k, '1']);
        else if (m.operation === 'leaderboard')
          commands.push(['ZINCRBY', k, String(fields.quantity), (member as typeof key).render(context)]);
        else if (m.operation === 'unique')
          commands.push(['PFADD', k, (element as typeof key).render(context)]);
        else if (m.operation === 'list') commands.push(['LPUSH', k, JSON.stringify(fields)]);
        else if (m.operation === 'session') commands.push(['HSET', k, ...flatPairs(fields)]);
        else if (m.operation === 'cache') commands.push(['SET', k, JSON.stringify(fields)]);
        else if (m.operation === 'stream') commands.push(['XADD', k, '*', ...flatPairs(fields)]);
      }
    }
  }
  return commands;
}

async function commandCounts(redis: Redis): Promise<{ network: number; executed: number }> {
  const stats = await redis.info('stats');
  const network = Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0);
  const commandstats = await redis.info('commandstats');
  let executed = 0;
  for (const match of commandstats.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
    if (!['info', 'flushdb', 'config|resetstat'].includes(match[1] as string)) executed += Number(match[2]);
  }
  return { network, executed };
}

async function countCommands(admin: Redis, run: () => Promise<unknown>) {
  await admin.flushdb();
  await admin.config('RESETSTAT');
  await run();
  const counts = await commandCounts(admin);
  // INFO and RESETSTAT of this function are counted by the server as network commands.
  return { network: counts.network - 2, executed: counts.executed };
}

/** The sink as the benchmarks run it: logs and metrics silent, dead letters dropped (none are expected). */
export function quietRedisSink(
  config: RedisSinkConfig,
  redis: RedisClient,
  cluster: boolean,
): KafkaSinkHandler {
  const quiet = { write: () => undefined };
  return createRedisSinkHandler({
    config,
    redis,
    cluster,
    deadLetters: { send: async () => undefined },
    logger: new Logger('bench', quiet),
    metrics: new Metrics('bench', quiet),
  });
}

/**
 * The same batch on a private 3-node Redis Cluster (cluster-mode ElastiCache's shape): the sink groups each
 * partition chunk's writes per hash slot, one guarded script call per slot group; the raw baseline sends
 * one command per record through ioredis's auto-pipelining (one write per node per tick).
 */
async function clusterFigures(event: MSKEvent, quick: boolean): Promise<Figure[]> {
  const cluster = await startLocalRedisCluster(3);
  const nodes = cluster.ports.map((port) => ({ host: '127.0.0.1', port }));
  const sinkClient = new Cluster(nodes);
  const rawClient = new Cluster(nodes, { enableAutoPipelining: true });
  try {
    const handle = quietRedisSink(BENCH_CONFIG, sinkClient, true);
    const before = async () => {
      await Promise.all(cluster.nodeClients.map((node) => node.flushall()));
    };
    const [handler, pipeline] = await measureInterleaved(
      [
        {
          name: 'redis sink handler on a 3-node Redis Cluster',
          records: RECORDS,
          run: async () => {
            const response = await handle(event);
            if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
          },
          before,
          warmupRuns: quick ? 1 : 3,
        },
        {
          name: 'raw ioredis Cluster, auto-pipelined, 1 command/record, unguarded',
          records: RECORDS,
          run: async () => {
            // A cluster pipeline must stay in one slot; auto-pipelining batches every node's commands of a
            // tick into one write instead, the raw client's fastest way to send them all.
            await Promise.all(
              perRecordCommands(event).map(([name, ...args]) => rawClient.call(name, ...args)),
            );
          },
          before,
          warmupRuns: quick ? 1 : 3,
        },
      ],
      quick ? 1 : 5,
    );
    return [
      handler.figure,
      pipeline.figure,
      ratioFigure('redis sink vs raw pipeline on Redis Cluster', handler, pipeline),
    ];
  } finally {
    sinkClient.disconnect();
    rawClient.disconnect();
    await cluster.stop();
  }
}

export const redisSinkBenchmark: Benchmark = {
  name: 'kafka-to-redis sink',
  async run({ quick }) {
    const stateDir = mkdtempSync(join(tmpdir(), 'sb-bench-redis-'));
    const options: ServicesOptions = {
      only: ['redis'],
      stateDir,
      ports: { redis: await freePort() },
      log: () => undefined,
    };
    await startServices(options);
    const url = `redis://127.0.0.1:${options.ports?.redis}`;
    const admin = new Redis(url);
    const sinkClient = new Redis(url);
    const rawClient = new Redis(url);
    try {
      const event = mixedBatch();
      const records = RECORDS;
      const handle = quietRedisSink(BENCH_CONFIG, sinkClient, false);
      const runHandler = async () => {
        const response = await handle(event);
        if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
      };
      const runPipeline = async () => {
        const pipeline = rawClient.pipeline();
        for (const [name, ...args] of perRecordCommands(event)) pipeline.call(name, ...args);
        await pipeline.exec();
      };
      const runNaive = async () => {
        for (const [name, ...args] of perRecordCommands(event)) await rawClient.call(name, ...args);
      };
      const before = async () => {
        await admin.flushdb();
      };
      // Interleaved rounds: load that comes and goes weighs on the three alike. The handler and the pipeline
      // get three warm-up batches (the JIT settles on a 10 000-record batch only after a few).
      const [handler, pipeline, naive] = await measureInterleaved(
        [
          {
            name: 'redis sink handler (compacted, guarded)',
            records,
            run: runHandler,
            before,
            warmupRuns: quick ? 1 : 3,
          },
          {
            name: 'raw ioredis pipeline, 1 command/record, unguarded',
            records,
            run: runPipeline,
            before,
            warmupRuns: quick ? 1 : 3,
          },
          {
            name: 'naive, 1 awaited command/record',
            records,
            run: runNaive,
            before,
            warmupRuns: quick ? 0 : 1,
          },
        ],
        quick ? 1 : 5,
      );
      const counts = {
        handler: await countCommands(admin, runHandler),
        pipeline: await countCommands(admin, runPipeline),
        naive: await countCommands(admin, runNaive),
      };
      const perThousand = (n: number) => Math.round((n * 1000) / records);
      const commandFigures: Figure[] = (
        [
          ['handler', handler],
          ['pipeline', pipeline],
          ['naive', naive],
        ] as [keyof typeof counts, Throughput][]
      ).map(([key, throughput]) => ({
        name: `${throughput.name}: Redis commands per 1 000 records`,
        value: perThousand(counts[key].executed),
        unit: 'commands',
        detail: { networkCommandsPer1000: perThousand(counts[key].network), executed: counts[key].executed },
      }));
      return [
        handler.figure,
        pipeline.figure,
        naive.figure,
        ratioFigure('redis sink vs raw pipeline', handler, pipeline, 2),
        ratioFigure('redis sink vs naive', handler, naive, 20),
        ...commandFigures,
        ...(await clusterFigures(event, quick)),
      ];
    } finally {
      admin.disconnect();
      sinkClient.disconnect();
      rawClient.disconnect();
      await stopServices(options);
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await redisSinkBenchmark.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n`);
}
