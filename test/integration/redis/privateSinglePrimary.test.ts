import type { MSKEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import {
  consumeAsMskEvent,
  createTestTopic,
  deleteTestTopic,
  localKafka,
  produceMessages,
  recordsOf,
  selectRecords,
} from '../helpers/kafkaMskEvents';
import type { PrivateRedis } from './privateRedis';
import { startPrivateRedis } from './privateRedis';
import type { RedisTarget, TestHandler } from './redisSinkFixture';
import { context, groupName, metricTotal, pollUntil, testHandler, uniquePrefix } from './redisSinkFixture';
import { describeRedisSinkFaults } from './sinkFaults';

const EVENTS = 2000;
const BATCH = 200;
const PAGES = 20;

describe('Redis sink on a private single primary (fault tests)', () => {
  let server: PrivateRedis;
  let reader: Redis;
  let target: RedisTarget;

  beforeAll(async () => {
    server = await startPrivateRedis();
    reader = new Redis(server.url, { maxRetriesPerRequest: 1 });
    reader.on('error', () => undefined);
    target = {
      name: 'private single primary',
      url: server.url,
      cluster: false,
      reader,
      nodes: [reader],
      private: true,
    };
  });

  afterAll(async () => {
    reader?.disconnect();
    await server?.dispose();
  });

  describeRedisSinkFaults(() => target);

  describe('Redis restarted mid-stream', () => {
    let kafka: Kafka;
    let topic: string;
    let event: MSKEvent;
    let handler: TestHandler;

    beforeAll(async () => {
      kafka = localKafka('redis-sink-restart-tests');
      topic = await createTestTopic(kafka, 'redis-sink-restart');
      await produceMessages(
        kafka,
        topic,
        Array.from({ length: EVENTS }, (_, i) => ({ key: 'k', value: { page: `p${i % PAGES}`, i } })),
      );
      event = await consumeAsMskEvent(kafka, topic, EVENTS);
    });

    afterAll(async () => {
      handler?.close();
      if (topic) await deleteTestTopic(kafka, topic);
    });

    it('reports the batches it could not apply and loses nothing once they are retried', async () => {
      // Prepare: an event source delivering 10 batches of 200 and redelivering from each reported offset.
      const prefix = uniquePrefix();
      const config: RedisSinkConfig = {
        consumerGroup: groupName('restart', prefix),
        mappings: [
          { name: 'views', topic, operation: 'counter', key: `${prefix}views:{page}` },
          { name: 'feed', topic, operation: 'stream', key: `${prefix}feed`, maxLength: 1_000_000 },
        ],
      };
      handler = await testHandler(target, config, { send: async () => undefined });
      const offsets = recordsOf(event).map((r) => r.offset);
      const failures: number[] = [];
      let next = offsets[0] as number;
      const deliver = async () => {
        const batch = selectRecords(event, (r) => r.offset >= next && r.offset < next + BATCH);
        const response = await handler.handle(batch, context);
        const failed = response.batchItemFailures[0]?.itemIdentifier.offset;
        if (failed === undefined) next += BATCH;
        else {
          failures.push(failed);
          next = failed;
        }
        return failed;
      };
      // Act: 3 batches, Redis stops (its data saved), a batch fails, Redis starts again, the stream goes on.
      for (let i = 0; i < 3; i++) expect(await deliver()).toBeUndefined();
      await server.stop({ keepData: true });
      const failedWhileDown = await deliver();
      await server.start();
      const caughtUp = await pollUntil(
        async () => {
          while (next <= (offsets[offsets.length - 1] as number)) {
            if ((await deliver()) !== undefined) return false;
          }
          return true;
        },
        60_000,
        200,
      );
      // Assess
      expect(failedWhileDown).toBe(offsets[3 * BATCH]);
      expect(caughtUp).toBe(true);
      for (let p = 0; p < PAGES; p++)
        expect(await reader.get(`${prefix}views:p${p}`)).toBe(String(EVENTS / PAGES));
      const feed = await reader.xrange(`${prefix}feed`, '-', '+');
      expect(feed.map(([, fields]) => Number(fields[fields.indexOf('i') + 1]))).toEqual(
        Array.from({ length: EVENTS }, (_, i) => i),
      );
      expect(failures[0]).toBe(offsets[3 * BATCH]);
      expect(metricTotal(handler.lines, 'RecordsFailed')).toBeGreaterThanOrEqual(BATCH);
    });
  });
});
