import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { STREAM_PROBE_PAGE, streamEntryProbe } from '../../../local/demo/streamEntryProbe';
import { requireEnv } from '../serviceEnv';

describe('streamEntryProbe on a real redis-server', () => {
  const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
  const prefix = `sbt-probe-${randomUUID().slice(0, 8)}`;
  const T = 1_765_000_000_000;
  const append = (key: string, ts: number) => redis.xadd(key, '*', 'deviceId', 'dev-1', 'ts', String(ts));

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("sees the reading's own entry only: not a later reading that arrived first, not an earlier one that arrived after it", async () => {
    // Prepare
    const key = `${prefix}:order`;
    const seen = streamEntryProbe(redis, key, T);

    // Act / Assess
    expect(await seen()).toBe(false); // no stream yet
    await append(key, T + 1);
    expect(await seen()).toBe(false);
    await append(key, T - 1);
    expect(await seen()).toBe(false);
    await append(key, T);
    await append(key, T - 2);
    expect(await seen()).toBe(true);
  });

  it('sees an entry appended before its first check, among the newest ones', async () => {
    // Prepare
    const key = `${prefix}:before`;
    await append(key, T);
    for (let n = 1; n <= 20; n++) await append(key, T + n);

    // Act
    const seen = await streamEntryProbe(redis, key, T)();

    // Assess
    expect(seen).toBe(true);
  });

  it('reads every entry appended between two checks, more than a page of them, in a stream past its cap', async () => {
    // Prepare
    const key = `${prefix}:capped`;
    const seen = streamEntryProbe(redis, key, T);
    for (let n = 0; n < 50; n++) await redis.xadd(key, 'MAXLEN', '~', '100', '*', 'ts', String(T - 1000 + n));
    expect(await seen()).toBe(false);
    const pipeline = redis.pipeline();
    for (let n = 0; n < STREAM_PROBE_PAGE * 2; n++)
      pipeline.xadd(key, 'MAXLEN', '~', '1000', '*', 'ts', String(T - 500 + n));
    pipeline.xadd(key, 'MAXLEN', '~', '1000', '*', 'ts', String(T));
    await pipeline.exec();

    // Act
    const found = await seen();

    // Assess
    expect(found).toBe(true);
    expect(await redis.xlen(key)).toBeGreaterThan(STREAM_PROBE_PAGE * 2);
  });
});
