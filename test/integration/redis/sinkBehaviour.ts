/**
 * The Redis sink's behaviour suite, run against a single primary and against a Redis Cluster: each
 * operation end to end from real Kafka records, poison records to a real SQS dead-letter queue,
 * redelivery (×3, and overlapping a previous delivery), and out-of-order cache versions.
 */
import type { MSKRecord } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_SINK_DEFAULTS } from '../../../lambdas/kafka-to-redis/constants';
import { KeyNaming } from '../../../lambdas/kafka-to-redis/keyNaming';
import { localKafka, mskEventOf, recordsOf, selectRecords } from '../helpers/kafkaMskEvents';
import { SqsDeadLetterQueue } from '../helpers/sqsDeadLetterQueue';
import type { RedisTarget, SinkEvents, TestHandler } from './redisSinkFixture';
import {
  CLICK_COUNT,
  clickMessages,
  context,
  deleteKeys,
  deleteSinkTopics,
  groupName,
  keysWithPrefix,
  metricTotal,
  PAGES,
  produceSinkEvents,
  READINGS_PER_DEVICE,
  SESSION_EXPIRES_AT,
  sinkConfig,
  snapshot,
  TTL,
  testHandler,
  USERS,
  uniquePrefix,
} from './redisSinkFixture';

type ClickValue = { page: string; userId: string; productId?: string; quantity?: number };

export function describeRedisSinkBehaviour(getTarget: () => RedisTarget): void {
  let kafka: Kafka;
  let events: SinkEvents;
  let dlq: SqsDeadLetterQueue;
  const prefixes: string[] = [];
  const handlers: TestHandler[] = [];

  beforeAll(async () => {
    kafka = localKafka('redis-sink-tests');
    [events, dlq] = await Promise.all([
      produceSinkEvents(kafka),
      SqsDeadLetterQueue.create('redis-sink-dlq', 'kafka-to-redis'),
    ]);
  });

  afterAll(async () => {
    for (const handler of handlers) handler.close();
    const target = getTarget();
    if (!target.private) for (const prefix of prefixes) await deleteKeys(target, prefix);
    await Promise.all([events && deleteSinkTopics(kafka, events.topics), dlq?.delete()]);
  });

  async function setup() {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const handler = await testHandler(getTarget(), sinkConfig(events.topics, prefix), dlq.queue);
    handlers.push(handler);
    return { prefix, handler, redis: getTarget().reader };
  }

  /** A handler writing under an existing prefix with another consumer group (its own watermarks). */
  async function extraHandler(prefix: string, consumerGroup: string) {
    const config = { ...sinkConfig(events.topics, prefix), consumerGroup };
    const handler = await testHandler(getTarget(), config, dlq.queue);
    handlers.push(handler);
    return handler;
  }

  describe('operations end to end from Kafka', () => {
    it('counts page views per hour bucket with a TTL, sums quantities per product field', async () => {
      // Prepare
      const { prefix, handler, redis } = await setup();
      const clicks = clickMessages().map((m) => m.value as ClickValue);
      // Act
      const response = await handler.handle(events.clicks, context);
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      for (let p = 0; p < PAGES; p++) {
        const page = `p${p}`;
        const views = clicks.filter((c) => c.page === page).length;
        expect(await redis.get(`${prefix}views:${page}:2025112608`)).toBe(String(views));
        const ttl = await redis.ttl(`${prefix}views:${page}:2025112608`);
        expect(ttl).toBeGreaterThan(TTL.views - 60);
        expect(ttl).toBeLessThanOrEqual(TTL.views);
        const quantities: Record<string, string> = {};
        for (const c of clicks.filter((c) => c.page === page && c.productId)) {
          quantities[c.productId as string] = String(
            Number(quantities[c.productId as string] ?? 0) + (c.quantity as number),
          );
        }
        expect(await redis.hgetall(`${prefix}qty:${page}`)).toEqual(quantities);
      }
      expect(metricTotal(handler.lines, 'RecordsApplied')).toBe(CLICK_COUNT);
      // Compaction: commands grow with keys and fields (here 145), not with the 1 200 records × 6 mappings.
      expect(metricTotal(handler.lines, 'RedisCommands')).toBeLessThanOrEqual(150);
      // One call per partition on a single primary; one per partition and hash slot on a cluster.
      const calls = metricTotal(handler.lines, 'RedisScriptCalls');
      if (getTarget().cluster)
        expect(calls).toBeLessThanOrEqual(metricTotal(handler.lines, 'RedisKeysWritten'));
      else expect(calls).toBe(2);
    });

    it('ranks products by summed quantity in the leaderboard', async () => {
      const { prefix, handler, redis } = await setup();
      const totals = new Map<string, number>();
      for (const c of clickMessages().map((m) => m.value as ClickValue)) {
        if (c.productId) totals.set(c.productId, (totals.get(c.productId) ?? 0) + (c.quantity as number));
      }
      const expected = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1));
      await handler.handle(events.clicks, context);
      const ranked = await redis.zrevrange(`${prefix}top-products`, 0, -1, 'WITHSCORES');
      expect(ranked).toEqual(expected.flatMap(([member, score]) => [member, String(score)]));
      expect(await redis.ttl(`${prefix}top-products`)).toBeGreaterThan(TTL.top - 60);
    });

    it('estimates unique visitors with HyperLogLog within its error bound', async () => {
      const { prefix, handler, redis } = await setup();
      await handler.handle(events.clicks, context);
      const estimate = await redis.pfcount(`${prefix}uv:all`);
      // Redis HLL standard error is 0.81%; 3% is well beyond 3 standard errors.
      expect(Math.abs(estimate - USERS) / USERS).toBeLessThan(0.03);
      const clicks = clickMessages().map((m) => m.value as ClickValue);
      const p0 = new Set(clicks.filter((c) => c.page === 'p0').map((c) => c.userId)).size;
      expect(Math.abs((await redis.pfcount(`${prefix}uv:p0`)) - p0) / p0).toBeLessThan(0.03);
    });

    it('keeps the newest entries of a list, newest first, trimmed, with a TTL', async () => {
      const { prefix, handler, redis } = await setup();
      await handler.handle(events.clicks, context);
      const newest = clickMessages()
        .map((m) => m.value as ClickValue)
        .filter((c) => c.page === 'p3')
        .slice(-5)
        .reverse();
      const list = (await redis.lrange(`${prefix}recent:p3`, 0, -1)).map((v) => JSON.parse(v));
      expect(list).toEqual(newest);
      expect(await redis.ttl(`${prefix}recent:p3`)).toBeGreaterThan(TTL.list - 60);
    });

    it('appends stream entries in order', async () => {
      const { prefix, handler, redis } = await setup();
      const response = await handler.handle(events.readings, context);
      expect(response.batchItemFailures).toEqual([]);
      for (const device of ['d0', 'd1']) {
        const entries = await redis.xrange(`${prefix}readings:${device}`, '-', '+');
        expect(entries).toHaveLength(READINGS_PER_DEVICE);
        expect(entries.map(([, fields]) => Number(fields[fields.indexOf('seq') + 1]))).toEqual(
          Array.from({ length: READINGS_PER_DEVICE }, (_, i) => i),
        );
        expect(entries[0]?.[1]).toEqual([
          'deviceId',
          device,
          'seq',
          '0',
          'celsius',
          device === 'd0' ? '20' : '20.1',
        ]);
      }
    });

    it('keeps sessions: merged activity with a sliding TTL, logout deletes, absolute expiry, CDC replica', async () => {
      const { prefix, handler, redis } = await setup();
      const response = await handler.handle(events.sessions, context);
      expect(response.batchItemFailures).toEqual([]);
      expect(await redis.hgetall(`${prefix}session:s1`)).toEqual({
        sessionId: 's1',
        type: 'view',
        userId: 'u1',
        page: 'product',
      });
      const ttl = await redis.ttl(`${prefix}session:s1`);
      expect(ttl).toBeGreaterThan(TTL.session - 60);
      expect(ttl).toBeLessThanOrEqual(TTL.session);
      expect(await redis.exists(`${prefix}session:s2`)).toBe(0);
      const doc = await redis.get(`${prefix}session-doc:s3`);
      expect(JSON.parse(doc as string)).toEqual({
        sessionId: 's3',
        type: 'login',
        userId: 'u3',
        expiresAt: SESSION_EXPIRES_AT,
      });
      expect(Number(await redis.call('EXPIRETIME', `${prefix}session-doc:s3`))).toBe(SESSION_EXPIRES_AT);
      expect(await redis.hgetall(`${prefix}session:s4`)).toEqual({
        sessionId: 's4',
        userId: 'u4',
        cart: '["a","b"]',
      });
      expect(await redis.exists(`${prefix}session:s5`)).toBe(0);
    });

    it('refreshes a session TTL on new activity, not on a redelivery', async () => {
      // Prepare
      const { prefix, handler, redis } = await setup();
      await handler.handle(events.sessions, context);
      await redis.expire(`${prefix}session:s1`, 100);
      const activity = mskEventOf(recordsOf(events.sessions).filter((r) => r.offset === 5));
      // Act: the same consumer group gets the event again (a redelivery: no effect), then a group that
      // has not seen it applies it (new activity).
      await handler.handle(activity, context);
      const afterRedelivery = await redis.ttl(`${prefix}session:s1`);
      await (await extraHandler(prefix, groupName('other', prefix))).handle(activity, context);
      // Assess
      expect(afterRedelivery).toBeLessThanOrEqual(100);
      expect(await redis.ttl(`${prefix}session:s1`)).toBeGreaterThan(TTL.session - 60);
    });
  });

  describe('cache entries with versions', () => {
    async function expectProductState(prefix: string) {
      const redis = getTarget().reader;
      expect(JSON.parse((await redis.get(`${prefix}product:p1`)) as string)).toEqual({
        productId: 'p1',
        price: 3,
        version: 3,
      });
      expect(JSON.parse((await redis.get(`${prefix}product:p2`)) as string)).toMatchObject({ price: 10 });
      for (const gone of ['product:p3', 'product:p4', 'product-h:p3', 'product-h:p4']) {
        expect(await redis.exists(`${prefix}${gone}`)).toBe(0);
      }
      expect(await redis.hgetall(`${prefix}product-h:p1`)).toEqual({
        productId: 'p1',
        price: '3',
        version: '3',
      });
      expect(await redis.hgetall(`${prefix}product-h:p2`)).toEqual({
        productId: 'p2',
        price: '10',
        version: '2',
      });
      const ttl = await redis.ttl(`${prefix}product-h:p1`);
      expect(ttl).toBeGreaterThan(86_400 - 60);
    }

    it('never lets an older version overwrite a newer one, each change in its own batch', async () => {
      // Prepare
      const { prefix, handler } = await setup();
      // Act: one invocation per record, in the produced (out-of-order) order.
      for (const record of recordsOf(events.products)) {
        const response = await handler.handle(mskEventOf([record]), context);
        expect(response.batchItemFailures).toEqual([]);
      }
      // Assess
      await expectProductState(prefix);
      // Refused by the stored version: p1's older update, p3's update after the delete, p4's update after
      // the tombstone; once per cache mapping.
      expect(metricTotal(handler.lines, 'CacheVersionsStale')).toBe(6);
    });

    it('reaches the same state when every change comes in one batch', async () => {
      const { prefix, handler } = await setup();
      await handler.handle(events.products, context);
      await expectProductState(prefix);
    });

    it('does not resurrect a deleted entry: the tombstone marker keeps the deleted version', async () => {
      const { prefix, handler, redis } = await setup();
      await handler.handle(events.products, context);
      const target = getTarget();
      const naming = new KeyNaming({ cluster: target.cluster, consumerGroup: 'any' });
      expect(await redis.get(naming.versionKey(`${prefix}product:p3`))).toBe('60');
      expect(await redis.ttl(naming.versionKey(`${prefix}product:p3`))).toBeGreaterThan(
        REDIS_SINK_DEFAULTS.tombstoneTtlSeconds - 60,
      );
      // A late write older than the delete, redelivered under another consumer group, changes nothing.
      const late = recordsOf(events.products).filter((r) => r.offset === 7);
      await (await extraHandler(prefix, groupName('late', prefix))).handle(mskEventOf(late), context);
      expect(await redis.exists(`${prefix}product:p3`)).toBe(0);
    });

    it('keeps the tombstone marker as long as the sink config says (tombstoneTtlSeconds)', async () => {
      // Prepare
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      const config = { ...sinkConfig(events.topics, prefix), tombstoneTtlSeconds: 7_200 };
      const handler = await testHandler(getTarget(), config, dlq.queue);
      handlers.push(handler);
      // Act
      await handler.handle(events.products, context);
      // Assess
      const naming = new KeyNaming({ cluster: getTarget().cluster, consumerGroup: 'any' });
      const ttl = await getTarget().reader.ttl(naming.versionKey(`${prefix}product:p3`));
      expect(ttl).toBeGreaterThan(7_200 - 60);
      expect(ttl).toBeLessThanOrEqual(7_200);
    });
  });

  describe('poison records', () => {
    it('dead-letters bad JSON, missing key fields, wrong score types and refused writes; the partition goes on', async () => {
      // Prepare: the key of page b already holds a hash, so INCRBY on it is refused by Redis.
      const { prefix, handler, redis } = await setup();
      await redis.hset(`${prefix}pz:b`, 'taken', '1');
      const topic = events.topics.poison;
      // Act
      const response = await handler.handle(events.poison, context);
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(await redis.get(`${prefix}pz:a`)).toBe('3');
      expect(await redis.zrange(`${prefix}pz-top`, 0, -1, 'WITHSCORES')).toEqual(['a', '2']);
      const letters = await dlq.receive(5);
      const byOffset = letters
        .map((l) => ({ ...l, offset: l.coordinates.offset as number }))
        .sort((a, b) => a.offset - b.offset);
      expect(
        byOffset.map((l) => [l.offset, l.errorType, l.coordinates.topic, l.coordinates.partition]),
      ).toEqual([
        [1, 'DecodeError', topic, 0],
        [2, 'MissingField', topic, 0],
        [3, 'WrongType', topic, 0],
        [5, 'DecodeError', topic, 0],
        [6, 'WrongType', topic, 0],
      ]);
      expect(byOffset[1]?.reason).toBe(`key template "${prefix}pz:{page}": field "page" is missing`);
      expect(byOffset[2]?.reason).toBe('field "score" is not a number (got "high")');
      expect(byOffset[4]?.reason).toMatch(/^Redis refused INCRBY on key ".*pz:b": WRONGTYPE/);
      expect(byOffset[0]?.payload).toBe('{oops');
      expect(byOffset.every((l) => l.handler === 'kafka-to-redis')).toBe(true);
      expect(metricTotal(handler.lines, 'RecordsDeadLettered')).toBe(5);
    });
  });

  describe('poison records redelivered', () => {
    it('dead-letters each bad record of a batch delivered three times once, with a deterministic id', async () => {
      // Prepare: the key of page b holds a hash, so INCRBY on it is refused (found again on each delivery).
      const { prefix, handler, redis } = await setup();
      await redis.hset(`${prefix}pz:b`, 'taken', '1');
      // Act
      const responses = [];
      for (let delivery = 0; delivery < 3; delivery++)
        responses.push(await handler.handle(events.poison, context));
      // Assess: five bad records, five letters (a sixth would arrive within the bounded wait), five ids.
      expect(responses.map((r) => r.batchItemFailures)).toEqual([[], [], []]);
      const letters = await dlq.receive(6, 3_000);
      expect(letters.map((l) => l.coordinates.offset).sort()).toEqual([1, 2, 3, 5, 6]);
      const ids = letters.map((l) => l.deadLetterId);
      expect(new Set(ids).size).toBe(5);
      expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f]{64}$/.test(id))).toBe(true);
      expect(await redis.get(`${prefix}pz:a`)).toBe('3');
    });
  });

  describe('refused writes when the dead-letter queue is down', () => {
    it('keeps the refusal in the outbox until the redelivery dead-letters it, once, and applies nothing twice', async () => {
      // Prepare: INCRBY on page b is refused (the key holds a hash) while the dead-letter queue is down.
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      let queueDown = true;
      const config = sinkConfig(events.topics, prefix);
      const handler = await testHandler(getTarget(), config, {
        send: async (letters) => {
          if (queueDown) throw new Error('dead-letter queue unavailable');
          await dlq.queue.send(letters);
        },
      });
      handlers.push(handler);
      const redis = getTarget().reader;
      await redis.hset(`${prefix}pz:b`, 'taken', '1');
      const topic = events.topics.poison;
      const outbox = `sb:refused:*${config.consumerGroup}:${topic}:0`;

      // Act: the first delivery applies the good records and reports from the first poison record on;
      // Lambda redelivers from there once the queue is back.
      const first = await handler.handle(events.poison, context);
      const heldBack = await keysWithPrefix(getTarget(), '', outbox);
      queueDown = false;
      const retry = await handler.handle(
        selectRecords(events.poison, (r) => r.offset >= 1),
        context,
      );

      // Assess: the refused write (offset 6) is dead-lettered with the others, and its outbox entry is gone.
      expect(first.batchItemFailures).toEqual([
        { itemIdentifier: { 'topic-partition': `${topic}-0`, offset: 1 } },
      ]);
      expect(heldBack).toHaveLength(1);
      expect(retry.batchItemFailures).toEqual([]);
      const letters = await dlq.receive(5);
      expect(
        letters.map((l) => [l.coordinates.offset, l.errorType]).sort((a, b) => Number(a[0]) - Number(b[0])),
      ).toEqual([
        [1, 'DecodeError'],
        [2, 'MissingField'],
        [3, 'WrongType'],
        [5, 'DecodeError'],
        [6, 'WrongType'],
      ]);
      expect(letters.find((l) => l.coordinates.offset === 6)?.reason).toMatch(
        /^Redis refused INCRBY on key ".*pz:b": WRONGTYPE/,
      );
      expect(await redis.get(`${prefix}pz:a`)).toBe('3');
      expect(await keysWithPrefix(getTarget(), '', outbox)).toEqual([]);
    });
  });

  describe('redelivery', () => {
    function everything() {
      return mskEventOf([
        ...recordsOf(events.clicks),
        ...recordsOf(events.sessions),
        ...recordsOf(events.products),
        ...recordsOf(events.readings),
      ]);
    }

    it('leaves the same state when the same batch is delivered 3 times', async () => {
      // Prepare
      const { prefix, handler } = await setup();
      const batch = everything();
      // Act
      const first = await handler.handle(batch, context);
      const once = await snapshot(getTarget(), prefix);
      const second = await handler.handle(batch, context);
      const third = await handler.handle(batch, context);
      // Assess
      expect([first, second, third].map((r) => r.batchItemFailures)).toEqual([[], [], []]);
      expect(await snapshot(getTarget(), prefix)).toEqual(once);
      expect(Object.keys(once).length).toBeGreaterThan(30);
      expect(metricTotal(handler.lines, 'RecordsDuplicate')).toBe(2 * recordsOf(batch).length);
    });

    it('applies exactly once when a redelivery overlaps a delivery that was applied', async () => {
      // Prepare: a reference applies everything once; the subject gets the first two thirds of each
      // partition, then a batch starting in the middle of what it already applied.
      const reference = await setup();
      const subject = await setup();
      const batch = everything();
      await reference.handler.handle(batch, context);
      const limits = new Map<string, number>();
      for (const [id, records] of Object.entries(batch.records)) {
        limits.set(id, (records[Math.floor((records.length * 2) / 3)] as MSKRecord).offset);
      }
      const cut = (r: MSKRecord) => limits.get(`${r.topic}-${r.partition}`) as number;
      // Act
      await subject.handler.handle(
        selectRecords(batch, (r) => r.offset < cut(r)),
        context,
      );
      const response = await subject.handler.handle(
        selectRecords(batch, (r) => r.offset >= Math.floor(cut(r) / 2)),
        context,
      );
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(await snapshot(getTarget(), subject.prefix)).toEqual(
        await snapshot(getTarget(), reference.prefix),
      );
    });
  });
}
