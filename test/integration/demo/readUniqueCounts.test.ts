import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readUniqueCounts } from '../../../local/demo/readUniqueCounts';
import { requireEnv } from '../serviceEnv';

describe('readUniqueCounts on a real redis-server', () => {
  const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
  const prefix = `sbt-hll-${randomUUID().slice(0, 8)}`;
  const visitors = Array.from({ length: 59 }, (_, index) => `visitor-${index}`);

  afterAll(async () => {
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("tells a complete HyperLogLog, one lacking an element, one holding strangers and an absent one apart, whatever Redis's estimate", async () => {
    // Prepare
    const complete = `${prefix}:complete`;
    const lacking = `${prefix}:lacking`;
    const strangers = `${prefix}:strangers`;
    const absent = `${prefix}:absent`;
    await redis.pfadd(complete, ...visitors);
    await redis.pfadd(lacking, ...visitors.slice(1));
    await redis.pfadd(strangers, ...visitors, 'stranger-1', 'stranger-2');
    const expected = new Set(visitors);
    const lackingBefore = await redis.pfcount(lacking);

    // Act
    const observed = await readUniqueCounts(
      redis,
      new Map([complete, lacking, strangers, absent].map((key) => [key, expected])),
    );

    // Assess
    const estimate = await redis.pfcount(complete);
    expect(observed.get(complete)).toEqual({
      count: estimate,
      missingSome: false,
      countWithExpected: estimate,
      expectedCount: estimate,
    });
    expect(observed.get(lacking)?.missingSome).toBe(true);
    expect(observed.get(strangers)).toMatchObject({ missingSome: false, expectedCount: estimate });
    expect(observed.get(strangers)?.count).not.toBe(estimate);
    expect(observed.get(absent)).toMatchObject({ count: 0, missingSome: true, countWithExpected: estimate });
    // The scratch copies are gone and the sinks' keys untouched.
    expect(await redis.keys(`{${prefix}*`)).toEqual([]);
    expect(await redis.exists(absent)).toBe(0);
    expect(await redis.pfcount(lacking)).toBe(lackingBefore);
  });
});
