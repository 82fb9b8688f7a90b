/**
 * Fixture of the Redis sink integration suites: the events (produced to real Kafka topics and read back as
 * MSK events), the sink config over those topics with a key prefix unique per test, a handler wired to a
 * target (the shared redis-server, a private one, or a private cluster), and a normalized snapshot of what
 * a test wrote (to compare states across deliveries).
 */
import { randomUUID } from 'node:crypto';
import type { MSKEvent } from 'aws-lambda';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { RedisSinkConfig } from '../../../config/types';
import type { DeadLetterQueue } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { KafkaSinkHandler } from '../../../lambdas/core/sink/createKafkaSinkHandler';
import { createRedisSinkHandler } from '../../../lambdas/kafka-to-redis/createRedisSinkHandler';
import type { RedisClient } from '../../../lambdas/kafka-to-redis/redisConnection';
import { createRedisClient, redisSettingsFromEnv } from '../../../lambdas/kafka-to-redis/redisConnection';
import type { ApplyLimits } from '../../../lambdas/kafka-to-redis/types';
import type { TestMessage } from '../helpers/kafkaMskEvents';
import {
  consumeAsMskEvent,
  createTestTopic,
  deleteTestTopic,
  produceMessages,
} from '../helpers/kafkaMskEvents';

/** Polls `check` every `intervalMs` until it returns true (errors count as false), for at most `timeoutMs`. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Where a suite runs: the Redis the handler writes to and the tests read. */
export interface RedisTarget {
  readonly name: string;
  /** `REDIS_URL` of the target (seed list for a cluster). */
  readonly url: string;
  readonly cluster: boolean;
  /** A client for assertions (a Cluster client for a cluster). */
  readonly reader: RedisClient;
  /** One plain client per node (a single one for a single primary). */
  readonly nodes: readonly Redis[];
  /** True when the target is private to the suite (fault tests may pause or kill its clients). */
  readonly private: boolean;
}

export const HOUR = Date.UTC(2025, 10, 26, 8, 0, 0);
export const CLICK_COUNT = 1200;
export const PAGES = 7;
export const USERS = 500;
export const PRODUCTS = 11;

/** 1 200 clicks over 7 pages (keyed by page), 500 users, a product and quantity on every third. */
export function clickMessages(): TestMessage[] {
  return Array.from({ length: CLICK_COUNT }, (_, i) => {
    const page = `p${i % PAGES}`;
    const base = { page, userId: `u${(i * 37) % USERS}`, ts: HOUR + i * 1000 };
    const value = i % 3 === 0 ? { ...base, productId: `prod${i % PRODUCTS}`, quantity: (i % 5) + 1 } : base;
    return { key: page, value };
  });
}

export interface SessionEvent {
  readonly sessionId: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A change envelope as the CDC bridge publishes it. */
export function changeEnvelope(op: 'c' | 'u' | 'd', image: Record<string, unknown>, sequenceNumber: string) {
  return {
    op,
    key: { id: image.productId ?? image.sessionId },
    before: op === 'c' ? null : image,
    after: op === 'd' ? null : image,
    source: {
      system: 'dynamodb',
      table: 'sb-test',
      region: 'us-east-1',
      eventId: `e-${sequenceNumber}`,
      sequenceNumber,
      ts_ms: HOUR,
      ttlExpired: false,
    },
    ts_ms: HOUR + 1,
  };
}

export const SESSION_EXPIRES_AT = Math.floor(Date.now() / 1000) + 2 * 86_400;

/** Sessions: activity merged into a hash, a logout, an absolute expiry, and a CDC replica with a delete. */
export function sessionMessages(): TestMessage[] {
  const events: TestMessage['value'][] = [
    { sessionId: 's1', type: 'login', userId: 'u1' },
    { sessionId: 's2', type: 'login', userId: 'u2' },
    { sessionId: 's1', type: 'view', page: 'home' },
    { sessionId: 's2', type: 'view', page: 'cart' },
    { sessionId: 's2', type: 'logout' },
    { sessionId: 's1', type: 'view', page: 'product' },
    { sessionId: 's3', type: 'login', userId: 'u3', expiresAt: SESSION_EXPIRES_AT },
    changeEnvelope('c', { sessionId: 's4', userId: 'u4', cart: ['a'] }, '100'),
    changeEnvelope('u', { sessionId: 's4', userId: 'u4', cart: ['a', 'b'] }, '101'),
    changeEnvelope('c', { sessionId: 's5', userId: 'u5' }, '102'),
    changeEnvelope('d', { sessionId: 's5', userId: 'u5' }, '103'),
  ];
  return events.map((value) => ({ key: 'sessions', value }));
}

const product = (productId: string, price: number, version: number) => ({ productId, price, version });

/**
 * Product changes with versions out of order: p1's older update arrives after its newer one; p2's
 * sequence number grows a digit; p3 is deleted and an older update arrives after the delete; p4 is
 * tombstoned and an older update follows.
 */
export function productMessages(): TestMessage[] {
  const messages: TestMessage[] = [
    { value: changeEnvelope('c', product('p1', 1, 1), '100') },
    { value: changeEnvelope('u', product('p1', 3, 3), '300') },
    { value: changeEnvelope('u', product('p1', 2, 2), '200') },
    { value: changeEnvelope('c', product('p2', 9, 1), '99') },
    { value: changeEnvelope('u', product('p2', 10, 2), '1000') },
    { value: changeEnvelope('c', product('p3', 5, 1), '50') },
    { value: changeEnvelope('d', product('p3', 5, 1), '60') },
    { value: changeEnvelope('u', product('p3', 55, 1), '55') },
    { value: changeEnvelope('c', product('p4', 4, 1), '10') },
    { key: '{"productId":"p4"}', value: null },
    { value: changeEnvelope('u', product('p4', 44, 1), '9') },
  ];
  return messages.map((m) => ({ key: m.key ?? 'products', value: m.value }));
}

export const READINGS_PER_DEVICE = 30;

/** Readings of two devices, interleaved, each with its sequence number. */
export function readingMessages(): TestMessage[] {
  return Array.from({ length: 2 * READINGS_PER_DEVICE }, (_, i) => ({
    key: 'readings',
    value: { deviceId: `d${i % 2}`, seq: Math.floor(i / 2), celsius: 20 + (i % 7) / 10 },
  }));
}

/** Good and poison records mixed: bad JSON, a missing key field, a score of the wrong type, not an object. */
export function poisonMessages(): TestMessage[] {
  return [
    { key: 'k', value: { page: 'a' } },
    { key: 'k', value: '{oops' },
    { key: 'k', value: { nothing: 1 } },
    { key: 'k', value: { page: 'a', score: 'high' } },
    { key: 'k', value: { page: 'a', score: 2 } },
    { key: 'k', value: '42' },
    { key: 'k', value: { page: 'b' } },
    { key: 'k', value: { page: 'a' } },
  ];
}

export interface SinkTopics {
  readonly clicks: string;
  readonly sessions: string;
  readonly products: string;
  readonly readings: string;
  readonly poison: string;
}

export interface SinkEvents {
  readonly topics: SinkTopics;
  readonly clicks: MSKEvent;
  readonly sessions: MSKEvent;
  readonly products: MSKEvent;
  readonly readings: MSKEvent;
  readonly poison: MSKEvent;
}

/** Creates the topics (clicks on 2 partitions), produces every dataset and reads each back as an MSK event. */
export async function produceSinkEvents(kafka: Kafka): Promise<SinkEvents> {
  const datasets = {
    clicks: clickMessages(),
    sessions: sessionMessages(),
    products: productMessages(),
    readings: readingMessages(),
    poison: poisonMessages(),
  };
  const names = Object.keys(datasets) as (keyof SinkTopics)[];
  const created = await Promise.all(
    names.map((name) => createTestTopic(kafka, `redis-sink-${name}`, name === 'clicks' ? 2 : 1)),
  );
  const topics = Object.fromEntries(names.map((name, i) => [name, created[i]])) as unknown as SinkTopics;
  await Promise.all(names.map((name) => produceMessages(kafka, topics[name], datasets[name])));
  const events = await Promise.all(
    names.map((name) => consumeAsMskEvent(kafka, topics[name], datasets[name].length)),
  );
  return {
    topics,
    ...(Object.fromEntries(names.map((name, i) => [name, events[i]])) as Omit<SinkEvents, 'topics'>),
  };
}

export async function deleteSinkTopics(kafka: Kafka, topics: SinkTopics): Promise<void> {
  await Promise.all(Object.values(topics).map((topic) => deleteTestTopic(kafka, topic)));
}

export const TTL = { views: 7 * 86_400, top: 30 * 86_400, session: 1800, list: 3600 } as const;

/** The sink config over the test topics; every key starts with `prefix` (unique per test). */
export function sinkConfig(topics: SinkTopics, prefix: string): RedisSinkConfig {
  return {
    consumerGroup: groupName('redis-sink-test', prefix),
    mappings: [
      {
        name: 'views',
        topic: topics.clicks,
        operation: 'counter',
        key: `${prefix}views:{page}:{ts:yyyyMMddHH}`,
        ttlSeconds: TTL.views,
      },
      {
        name: 'quantities',
        topic: topics.clicks,
        filter: { productId: [{ exists: true }] },
        operation: 'counter',
        key: `${prefix}qty:{page}`,
        hashField: '{productId}',
        incrementField: 'quantity',
      },
      {
        name: 'top-products',
        topic: topics.clicks,
        filter: { productId: [{ exists: true }] },
        operation: 'leaderboard',
        key: `${prefix}top-products`,
        member: '{productId}',
        scoreField: 'quantity',
        mode: 'increment',
        ttlSeconds: TTL.top,
      },
      {
        name: 'visitors',
        topic: topics.clicks,
        operation: 'unique',
        key: `${prefix}uv:{page}`,
        element: '{userId}',
      },
      {
        name: 'visitors-all',
        topic: topics.clicks,
        operation: 'unique',
        key: `${prefix}uv:all`,
        element: '{userId}',
      },
      {
        name: 'recent',
        topic: topics.clicks,
        operation: 'list',
        key: `${prefix}recent:{page}`,
        maxLength: 5,
        ttlSeconds: TTL.list,
      },
      {
        name: 'sessions',
        topic: topics.sessions,
        operation: 'session',
        key: `${prefix}session:{sessionId}`,
        ttlSeconds: TTL.session,
        deleteWhen: { type: ['logout'] },
      },
      {
        name: 'session-docs',
        topic: topics.sessions,
        filter: { expiresAt: [{ exists: true }] },
        operation: 'session',
        key: `${prefix}session-doc:{sessionId}`,
        expiresAtField: 'expiresAt',
        store: 'string',
      },
      { name: 'products', topic: topics.products, operation: 'cache', key: `${prefix}product:{productId}` },
      {
        name: 'products-by-field',
        topic: topics.products,
        operation: 'cache',
        key: `${prefix}product-h:{productId}`,
        versionField: 'version',
        store: 'hash',
        ttlSeconds: 86_400,
      },
      {
        name: 'readings',
        topic: topics.readings,
        operation: 'stream',
        key: `${prefix}readings:{deviceId}`,
        maxLength: 1000,
      },
      { name: 'poison-count', topic: topics.poison, operation: 'counter', key: `${prefix}pz:{page}` },
      {
        name: 'poison-score',
        topic: topics.poison,
        filter: { score: [{ exists: true }] },
        operation: 'leaderboard',
        key: `${prefix}pz-top`,
        member: '{page}',
        scoreField: 'score',
        mode: 'set',
      },
    ],
  };
}

/** A key prefix unique to a test, `t<8 hex>:`. */
export function uniquePrefix(): string {
  return `t${randomUUID().slice(0, 8)}:`;
}

/** A valid consumer group name for a test (the sink's watermark keys carry it, so cleanup finds them). */
export function groupName(label: string, prefix: string): string {
  return `${label}-${prefix.slice(0, -1)}`;
}

export const context = { awsRequestId: 'integration-test', getRemainingTimeInMillis: () => 60_000 };

export interface TestHandler {
  readonly handle: KafkaSinkHandler;
  readonly redis: RedisClient;
  /** Structured log lines and EMF lines the handler wrote. */
  readonly lines: string[];
  close(): void;
}

/**
 * A handler with its own client to the target (as one execution environment has), built the way the
 * Lambda entry builds it: settings from a `REDIS_URL`, the production client options.
 */
export async function testHandler(
  target: RedisTarget,
  config: RedisSinkConfig,
  deadLetters: Pick<DeadLetterQueue, 'send'>,
  options: { limits?: Partial<ApplyLimits>; connectionName?: string } = {},
): Promise<TestHandler> {
  const settings = redisSettingsFromEnv({ REDIS_URL: target.url });
  const redis = await createRedisClient(settings, {
    connectionName: options.connectionName ?? 'streambridge-kafka-to-redis-test',
  });
  const lines: string[] = [];
  const write = (line: string) => lines.push(line);
  const handle = createRedisSinkHandler({
    config,
    redis,
    cluster: settings.cluster,
    deadLetters,
    logger: new Logger('kafka-to-redis', { write }),
    metrics: new Metrics('kafka-to-redis', { write }),
    limits: options.limits,
  });
  return { handle, redis, lines, close: () => redis.disconnect() };
}

/** Sums of one metric over the EMF lines a handler wrote. */
export function metricTotal(lines: readonly string[], name: string): number {
  let total = 0;
  for (const line of lines) {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const value = parsed[name];
    if (parsed._aws === undefined || value === undefined) continue;
    total += Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : (value as number);
  }
  return total;
}

/** Every key matching a glob pattern (default: starting with `prefix`), on every node. */
export async function keysWithPrefix(
  target: RedisTarget,
  prefix: string,
  pattern = `${prefix}*`,
): Promise<string[]> {
  const keys = new Set<string>();
  for (const node of target.nodes) {
    let cursor = '0';
    for (let page = 0; page < 10_000; page++) {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const key of batch) keys.add(key);
      cursor = next;
      if (cursor === '0') break;
    }
  }
  return [...keys].sort();
}

/**
 * What a test wrote, without its prefix: each key's type and value (stream entries without their ids,
 * hashes with sorted fields) and whether it has a TTL. Equal snapshots mean equal effects.
 */
export async function snapshot(target: RedisTarget, prefix: string): Promise<Record<string, unknown>> {
  const redis = target.reader;
  const out: Record<string, unknown> = {};
  for (const key of await keysWithPrefix(target, prefix)) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = (await redis.getBuffer(key))?.toString('base64');
    else if (type === 'hash') value = Object.entries(await redis.hgetall(key)).sort();
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'stream') value = (await redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    else value = `unexpected type ${type}`;
    out[key.slice(prefix.length)] = { type, value, expires: (await redis.ttl(key)) > 0 };
  }
  return out;
}

/** Removes what a test wrote on a shared server: its keys, and the sink's watermarks and versions for them. */
export async function deleteKeys(target: RedisTarget, prefix: string): Promise<void> {
  const keys = [
    ...(await keysWithPrefix(target, prefix)),
    ...(await keysWithPrefix(target, prefix, `sb:*${prefix}*`)),
  ];
  for (const key of keys) await target.reader.del(key);
}
