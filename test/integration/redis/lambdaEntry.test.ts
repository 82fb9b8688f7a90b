import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mskEvent } from '../../../local/events/mskEvents';
import { SqsDeadLetterQueue } from '../helpers/sqsDeadLetterQueue';
import { requireEnv } from '../serviceEnv';
import { groupName, uniquePrefix } from './redisSinkFixture';

describe('the kafka-to-redis Lambda entry', () => {
  const prefix = uniquePrefix();
  const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
  let dlq: SqsDeadLetterQueue;

  beforeAll(async () => {
    dlq = await SqsDeadLetterQueue.create('redis-entry-dlq', 'kafka-to-redis');
    // What the CDK construct (or the local runtime) sets on the function.
    process.env.STREAMBRIDGE_CONFIG = JSON.stringify({
      consumerGroup: groupName('entry', prefix),
      mappings: [{ name: 'views', topic: 'clicks', operation: 'counter', key: `${prefix}views:{page}` }],
    });
    process.env.DEAD_LETTER_QUEUE_URL = dlq.queueUrl;
  });

  afterAll(async () => {
    for (const key of await redis.keys(`*${prefix}*`)) await redis.del(key);
    redis.disconnect();
    await dlq?.delete();
  });

  it('reads its config slice, Redis connection and dead-letter queue from the environment', async () => {
    // Prepare
    const { handler } = await import('../../../lambdas/kafka-to-redis/index');
    const context = { awsRequestId: 'entry', getRemainingTimeInMillis: () => 30_000 } as never;
    // Act
    const first = await handler(
      mskEvent([
        { topic: 'clicks', offset: 1, value: { page: 'home' } },
        { topic: 'clicks', offset: 2, value: { nope: 1 } },
      ]),
      context,
    );
    const second = await handler(
      mskEvent([{ topic: 'clicks', offset: 3, value: { page: 'home' } }]),
      context,
    );
    // Assess
    expect([first, second].map((r) => r.batchItemFailures)).toEqual([[], []]);
    expect(await redis.get(`${prefix}views:home`)).toBe('2');
    const [letter] = await dlq.receive(1);
    expect(letter).toMatchObject({ errorType: 'MissingField', coordinates: { topic: 'clicks', offset: 2 } });
  });
});
