import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { requireEnv } from '../serviceEnv';
import type { RedisTarget } from './redisSinkFixture';
import { describeRedisSinkBehaviour } from './sinkBehaviour';

describe('Redis sink on a single primary (the shared local redis-server)', () => {
  const url = requireEnv('REDIS_URL');
  const reader = new Redis(url, { maxRetriesPerRequest: 1 });
  const target: RedisTarget = {
    name: 'single primary',
    url,
    cluster: false,
    reader,
    nodes: [reader],
    private: false,
  };

  afterAll(() => {
    reader.disconnect();
  });

  describeRedisSinkBehaviour(() => target);
});
