import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEnv } from '../serviceEnv';

describe('local Redis', () => {
  const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
  const key = `smoke:${randomUUID()}`;

  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('stores and returns a value (SET/GET round trip)', async () => {
    // Prepare
    const value = `value-${randomUUID()}`;

    // Act
    const reply = await redis.set(key, value, 'EX', 60);
    const read = await redis.get(key);

    // Assess
    expect(reply).toBe('OK');
    expect(read).toBe(value);
  });

  it('gets the endpoint in process.env as well as through inject', () => {
    // Assess: workers inherit the environment the global setup set.
    expect(process.env.REDIS_URL).toBe(requireEnv('REDIS_URL'));
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
