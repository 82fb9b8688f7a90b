/**
 * Fault tests of the Redis sink on a private target (a private redis-server or cluster): the sink's
 * connection killed in the middle of a batch, and the whole execution environment killed in the middle of
 * a batch followed by the redelivery Lambda makes. Each event must take effect exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MSKEvent } from 'aws-lambda';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import {
  consumeAsMskEvent,
  createTestTopic,
  deleteTestTopic,
  localKafka,
  produceMessages,
  selectRecords,
} from '../helpers/kafkaMskEvents';
import type { RedisTarget, TestHandler } from './redisSinkFixture';
import {
  context,
  groupName,
  keysWithPrefix,
  metricTotal,
  pollUntil,
  testHandler,
  uniquePrefix,
} from './redisSinkFixture';

const EVENTS = 3000;
const COUNTERS = 300;
const LISTS = 10;

function crashConfig(topic: string, prefix: string): RedisSinkConfig {
  return {
    consumerGroup: groupName('crash', prefix),
    mappings: [
      { name: 'counts', topic, operation: 'counter', key: `${prefix}c:{n}` },
      { name: 'log', topic, operation: 'list', key: `${prefix}l:{list}`, maxLength: 10_000 },
    ],
  };
}

/** Kills every connection named `name` on every node; true when at least one was killed. */
async function killConnections(target: RedisTarget, name: string): Promise<boolean> {
  let killed = 0;
  for (const node of target.nodes) {
    const list = String(await node.call('CLIENT', 'LIST'));
    for (const line of list.split('\n')) {
      if (!line.includes(` name=${name} `)) continue;
      const id = /\bid=(\d+)/.exec(line)?.[1];
      if (id) killed += Number(await node.call('CLIENT', 'KILL', 'ID', id));
    }
  }
  return killed > 0;
}

/** Chunks of ~20 events: the batch takes ~150 script calls, so there is a middle to crash in. */
const SMALL_CALLS = { maxArgsPerCall: 150 };
const WORKER = fileURLToPath(new URL('./crashWorker.ts', import.meta.url));

async function expectEveryEventOnce(target: RedisTarget, prefix: string): Promise<void> {
  const final = await totals(target, prefix);
  expect(final.counters).toEqual(Array.from({ length: COUNTERS }, () => EVENTS / COUNTERS));
  expect(final.listed).toBe(EVENTS);
}

async function totals(target: RedisTarget, prefix: string) {
  let counted = 0;
  let listed = 0;
  const counters: number[] = [];
  for (const key of await keysWithPrefix(target, prefix)) {
    if (key.startsWith(`${prefix}c:`)) {
      const value = Number(await target.reader.get(key));
      counted += value;
      counters.push(value);
    } else {
      listed += await target.reader.llen(key);
    }
  }
  return { counted, listed, counters };
}

export function describeRedisSinkFaults(getTarget: () => RedisTarget): void {
  let kafka: Kafka;
  let topic: string;
  let event: MSKEvent;
  const handlers: TestHandler[] = [];
  const noDeadLetters = {
    send: async () => {
      throw new Error('no record of this suite is poison');
    },
  };

  beforeAll(async () => {
    kafka = localKafka('redis-sink-fault-tests');
    topic = await createTestTopic(kafka, 'redis-sink-crash');
    await produceMessages(
      kafka,
      topic,
      Array.from({ length: EVENTS }, (_, i) => ({
        key: 'k',
        value: { n: i % COUNTERS, list: i % LISTS, i },
      })),
    );
    event = await consumeAsMskEvent(kafka, topic, EVENTS);
  });

  afterAll(async () => {
    for (const handler of handlers) handler.close();
    if (topic) await deleteTestTopic(kafka, topic);
  });

  describe('a connection killed in the middle of a batch', () => {
    it('resends the interrupted call once reconnected, and every event takes effect once', async () => {
      // Prepare: small script calls, so the batch is applied in ~150 chunks.
      const target = getTarget();
      const prefix = uniquePrefix();
      const name = `sink-kill-${prefix.slice(0, -1)}`;
      const config = crashConfig(topic, prefix);
      const handler = await testHandler(target, config, noDeadLetters, {
        limits: SMALL_CALLS,
        connectionName: name,
      });
      handlers.push(handler);
      // Act: once the first chunk is in, hold every write (CLIENT PAUSE), kill the sink's connections while
      // its next call waits, and let the server go on.
      const running = handler.handle(event, context);
      const started = await pollUntil(
        async () => (await keysWithPrefix(target, prefix)).length > 0,
        10_000,
        1,
      );
      for (const node of target.nodes) await node.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      let killed = false;
      try {
        killed = await pollUntil(() => killConnections(target, name), 5_000, 5);
      } finally {
        for (const node of target.nodes) await node.call('CLIENT', 'UNPAUSE');
      }
      const response = await running;
      const failure = response.batchItemFailures[0]?.itemIdentifier;
      const redelivered = failure
        ? await handler.handle(
            selectRecords(event, (r) => r.offset >= failure.offset),
            context,
          )
        : undefined;
      const whole = await handler.handle(event, context);
      // Assess
      expect(started).toBe(true);
      expect(killed).toBe(true);
      expect(redelivered?.batchItemFailures ?? []).toEqual([]);
      expect(whole.batchItemFailures).toEqual([]);
      await expectEveryEventOnce(target, prefix);
    });
  });

  describe('the execution environment dying in the middle of a batch', () => {
    it('applies every event exactly once when Lambda redelivers the whole batch', async () => {
      // Prepare
      const target = getTarget();
      const prefix = uniquePrefix();
      const config = crashConfig(topic, prefix);
      const dir = mkdtempSync(join(tmpdir(), 'sb-crash-'));
      const jobFile = join(dir, 'job.json');
      writeFileSync(jobFile, JSON.stringify({ url: target.url, config, event, limits: SMALL_CALLS }));
      // Act: a worker process applies the batch; once its first chunks are in, writes are held and the
      // process is killed (SIGKILL: no response, its pending call dropped with its connection).
      const worker = spawn(process.execPath, ['--import', 'tsx', WORKER, jobFile], { stdio: 'ignore' });
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      let partial: Awaited<ReturnType<typeof totals>>;
      try {
        const started = await pollUntil(
          async () => (await keysWithPrefix(target, prefix)).length > 0,
          60_000,
          1,
        );
        expect(started).toBe(true);
        for (const node of target.nodes) await node.call('CLIENT', 'PAUSE', '10000', 'WRITE');
        try {
          worker.kill('SIGKILL');
          await exited;
        } finally {
          for (const node of target.nodes) await node.call('CLIENT', 'UNPAUSE');
        }
        partial = await totals(target, prefix);
      } finally {
        worker.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
      const handler = await testHandler(target, config, noDeadLetters, { limits: SMALL_CALLS });
      handlers.push(handler);
      const redelivery = await handler.handle(event, context);
      // Assess
      expect(partial.counted).toBeGreaterThan(0);
      expect(partial.counted).toBeLessThan(EVENTS);
      expect(redelivery.batchItemFailures).toEqual([]);
      const duplicates = metricTotal(handler.lines, 'RecordsDuplicate');
      if (target.cluster) {
        // Per slot group: an event whose counter slot was applied but whose list slot was not is still
        // counted as a duplicate (of its applied part).
        expect(duplicates).toBeGreaterThanOrEqual(Math.max(partial.counted, partial.listed));
      } else {
        expect(duplicates).toBe(partial.counted);
        expect(partial.listed).toBe(partial.counted);
      }
      await expectEveryEventOnce(target, prefix);
    });
  });
}
