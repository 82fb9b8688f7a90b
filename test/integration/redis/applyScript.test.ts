import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScriptCallInput } from '../../../lambdas/kafka-to-redis/applyScript';
import {
  encodeScriptCall,
  parseScriptReply,
  runApplyScript,
} from '../../../lambdas/kafka-to-redis/applyScript';
import type { PlannedCommand } from '../../../lambdas/kafka-to-redis/types';
import type { PrivateRedis } from './privateRedis';
import { startPrivateRedis } from './privateRedis';

/** The apply script on a real (private) redis-server: watermark, version guards, refusals, OOM. */
describe('the apply script', () => {
  let server: PrivateRedis;
  let redis: Redis;
  const wm = 'sb:wm:g:t:0';
  const outbox = 'sb:refused:g:t:0';

  const apply = async (commands: PlannedCommand[], firstOffset = 10, lastOffset = 19) => {
    const input: ScriptCallInput = {
      watermarkKey: wm,
      refusalsKey: outbox,
      owedKey: 'sb:owed:g:t:0',
      firstOffset,
      lastOffset,
      commands,
      tombstoneTtlSeconds: 600,
    };
    return parseScriptReply(await runApplyScript(redis, encodeScriptCall(input)));
  };
  const vset = (key: string, version: string, value: string, ttl = '0'): PlannedCommand => ({
    name: 'SB.VSET',
    key,
    versionKey: `sb:ver:${key}`,
    args: [version, ttl, value],
  });
  const vdel = (key: string, version: string, mode: '0' | '1' | '2'): PlannedCommand => ({
    name: 'SB.VDEL',
    key,
    versionKey: `sb:ver:${key}`,
    args: [version, mode],
  });

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.dispose();
  });

  beforeEach(async () => {
    await redis.config('SET', 'maxmemory', '0');
    await redis.flushdb();
  });

  it('applies a call once: the same range again is a duplicate, an overlapping one is behind', async () => {
    // Act
    const first = await apply([{ name: 'INCRBY', key: 'c', args: ['5'] }]);
    const again = await apply([{ name: 'INCRBY', key: 'c', args: ['5'] }]);
    const overlapping = await apply([{ name: 'INCRBY', key: 'c', args: ['5'] }], 15, 25);
    const next = await apply([{ name: 'INCRBY', key: 'c', args: ['1'] }], 20, 29);
    // Assess
    expect(first).toEqual({ status: 'ok', watermark: 19, stale: 0, refused: [] });
    expect(again).toEqual({ status: 'dup', watermark: 19, refusals: [] });
    expect(overlapping).toEqual({ status: 'behind', watermark: 19, refusals: [] });
    expect(next.status).toBe('ok');
    expect(await redis.get('c')).toBe('6');
    expect(await redis.get(wm)).toBe('29');
    expect(await redis.ttl(wm)).toBeGreaterThan(13 * 86_400);
  });

  it('appends a change to a stream once, even when it comes again at a new offset', async () => {
    // Prepare: a change bridge retried after a crash re-produces the same change at a later offset.
    const xadd1 = (id: string, n: string): PlannedCommand => ({
      name: 'SB.XADD1',
      key: 'readings',
      versionKey: 'sb:seen:readings',
      args: [id, '100', 'n', n],
    });
    // Act
    const first = await apply([xadd1('t#e1', '1'), xadd1('t#e2', '2')], 0, 1);
    const redelivered = await apply([xadd1('t#e2', '2'), xadd1('t#e3', '3')], 2, 3);
    // Assess
    expect(first).toEqual({ status: 'ok', watermark: 1, stale: 0, refused: [] });
    expect(redelivered).toEqual({ status: 'ok', watermark: 3, stale: 1, refused: [] });
    const entries = await redis.xrange('readings', '-', '+');
    expect(entries.map(([, fields]) => fields[1])).toEqual(['1', '2', '3']);
    expect(await redis.zcard('sb:seen:readings')).toBe(3);
  });

  it('loads itself with EVAL when the server does not know it (NOSCRIPT)', async () => {
    await redis.script('FLUSH');
    const reply = await apply([{ name: 'SET', key: 's', args: ['v'] }]);
    expect(reply.status).toBe('ok');
    expect(await redis.get('s')).toBe('v');
  });

  it('writes a cache entry only when its version is newer, comparing decimal strings of any length', async () => {
    // Act
    await apply([vset('e', '99', 'v99')], 0, 0);
    const older = await apply([vset('e', '98', 'v98')], 1, 1);
    await apply([vset('e', '100', 'v100', '60')], 2, 2);
    const same = await apply([vset('e', '100', 'again')], 3, 3);
    // Assess
    expect(older.status === 'ok' && older.stale).toBe(1);
    expect(same.status === 'ok' && same.stale).toBe(1);
    expect(await redis.get('e')).toBe('v100');
    expect(await redis.get('sb:ver:e')).toBe('100');
    expect(await redis.ttl('e')).toBeGreaterThan(50);
    expect(await redis.ttl('sb:ver:e')).toBeGreaterThan(50);
  });

  it('replaces a hash entry whole and keeps its version', async () => {
    await redis.hset('h', 'old', 'x');
    await apply(
      [{ name: 'SB.VHSET', key: 'h', versionKey: 'sb:ver:h', args: ['7', '0', 'a', '1', 'b', '2'] }],
      0,
      0,
    );
    expect(await redis.hgetall('h')).toEqual({ a: '1', b: '2' });
    expect(await redis.get('sb:ver:h')).toBe('7');
  });

  it('guards deletes: strict for sequence numbers, inclusive for the deleted state version, unguarded for tombstones', async () => {
    // Prepare
    await apply([vset('a', '5', 'x'), vset('b', '5', 'x'), vset('c', '5', 'x'), vset('d', '5', 'x')], 0, 0);
    // Act
    const reply = await apply(
      [vdel('a', '5', '1'), vdel('b', '5', '2'), vdel('c', '', '0'), vdel('d', '4', '1')],
      1,
      1,
    );
    const resurrect = await apply([vset('b', '5', 'back'), vset('c', '3', 'back')], 2, 2);
    // Assess
    expect(reply.status === 'ok' && reply.stale).toBe(2);
    expect(await redis.exists('a')).toBe(1);
    expect(await redis.exists('b')).toBe(0);
    expect(await redis.exists('c')).toBe(0);
    expect(await redis.exists('d')).toBe(1);
    expect(await redis.get('sb:ver:b')).toBe('5');
    expect(await redis.get('sb:ver:c')).toBe('5');
    expect(await redis.ttl('sb:ver:c')).toBeGreaterThan(500);
    expect(resurrect.status === 'ok' && resurrect.stale).toBe(2);
    expect(await redis.exists('b', 'c')).toBe(0);
  });

  it('reports a refused command and applies the rest with the watermark', async () => {
    // Prepare
    await redis.hset('taken', 'f', '1');
    await redis.set('sb:ver:odd', 'x');
    await redis.hset('sb:ver:broken', 'f', '1');
    // Act
    const reply = await apply([
      { name: 'INCRBY', key: 'ok', args: ['1'] },
      { name: 'INCRBY', key: 'taken', args: ['1'] },
      vset('broken', '1', 'v'),
      { name: 'PFADD', key: 'taken', args: ['x'] },
      { name: 'INCRBY', key: 'ok2', args: ['2'] },
    ]);
    // Assess
    expect(reply.status === 'ok' && reply.refused.map((r) => [r.index, r.error.slice(0, 9)])).toEqual([
      [1, 'WRONGTYPE'],
      [2, 'WRONGTYPE'],
      [3, 'WRONGTYPE'],
    ]);
    expect(await redis.mget('ok', 'ok2', wm)).toEqual(['1', '2', '19']);
    expect(await redis.exists('broken')).toBe(0);
  });

  it('records refusals in the outbox with the watermark, and lists them when the range comes again', async () => {
    // Prepare
    await redis.hset('taken\nkey', 'f', '1');
    // Act
    await apply([
      { name: 'INCRBY', key: 'ok', args: ['1'] },
      { name: 'INCRBY', key: 'taken\nkey', args: ['1'] },
    ]);
    const again = await apply([{ name: 'INCRBY', key: 'taken\nkey', args: ['1'] }], 12, 19);
    const later = await apply([{ name: 'INCRBY', key: 'ok', args: ['1'] }], 25, 29);
    await redis.hdel(outbox, '10-19:1');
    const afterDelete = await apply([{ name: 'INCRBY', key: 'ok', args: ['1'] }], 15, 19);
    // Assess
    expect(again).toEqual({
      status: 'dup',
      watermark: 19,
      refusals: [
        {
          field: '10-19:1',
          firstOffset: 10,
          lastOffset: 19,
          index: 1,
          command: 'INCRBY',
          key: 'taken\nkey',
          error: expect.stringMatching(/^WRONGTYPE /),
        },
      ],
    });
    expect(later.status).toBe('ok');
    expect(afterDelete).toEqual({ status: 'dup', watermark: 29, refusals: [] });
    expect(await redis.ttl(outbox)).toBe(-2);
  });

  it('gives the outbox the watermark TTL', async () => {
    // Prepare
    await redis.hset('taken', 'f', '1');
    // Act
    await apply([{ name: 'INCRBY', key: 'taken', args: ['1'] }]);
    // Assess
    expect(await redis.ttl(outbox)).toBeGreaterThan(13 * 86_400);
    expect(await redis.ttl(wm)).toBeGreaterThan(13 * 86_400);
  });

  it('fails whole, writing nothing, when the server is out of memory', async () => {
    // Prepare: any write that needs memory is refused until the script has written something; a DEL
    // (which frees memory) would then let the rest through — so an OOM must stop the script right away.
    await redis.set('gone', 'x');
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    // Act
    const call = apply([
      { name: 'INCRBY', key: 'c', args: ['1'] },
      { name: 'DEL', key: 'gone', args: [] },
      { name: 'SET', key: 's', args: ['v'] },
    ]);
    // Assess
    await expect(call).rejects.toThrow(/OOM/);
    await redis.config('SET', 'maxmemory', '0');
    expect(await redis.exists('gone')).toBe(1);
    expect(await redis.exists('c', 's', wm)).toBe(0);
  });

  describe('owed ledger', () => {
    const owed = 'sb:owed:g:t:0';
    const incr = (n: string): PlannedCommand => ({ name: 'INCRBY', key: 'c', args: [n] });
    const call = async (input: Partial<ScriptCallInput> & { firstOffset: number; lastOffset: number }) =>
      parseScriptReply(
        await runApplyScript(
          redis,
          encodeScriptCall({
            watermarkKey: wm,
            refusalsKey: outbox,
            owedKey: owed,
            commands: [incr('1')],
            tombstoneTtlSeconds: 600,
            ...input,
          }),
        ),
      );

    it('owes the gap before a batch and the poison the watermark passes, never what it applied', async () => {
      // Act: 0..9 applied; 10..19 never delivered (sent to S3); 20..29 with 22 and 23 poison, and 5 (old).
      await call({ firstOffset: 0, lastOffset: 9, batchFirstOffset: 0 });
      await call({ firstOffset: 20, lastOffset: 29, batchFirstOffset: 20, owedOffsets: [5, 22, 23, 31] });
      // Assess: 10..19 and 22..23 (adjacent poison merged); 5 was applied, 31 is beyond this call.
      expect(await redis.zrange(owed, 0, -1)).toEqual(['10-19', '22-23']);
      expect(await redis.ttl(owed)).toBeGreaterThan(13 * 86_400);
    });

    it('owes nothing for a first batch or a batch right after the watermark', async () => {
      await call({ firstOffset: 7, lastOffset: 9, batchFirstOffset: 7 });
      await call({ firstOffset: 10, lastOffset: 12, batchFirstOffset: 10 });
      expect(await redis.exists(owed)).toBe(0);
    });

    it('applies a claim once, splits the range it takes from, and refuses a claim no longer owed', async () => {
      // Prepare
      await call({ firstOffset: 0, lastOffset: 9, batchFirstOffset: 0 });
      await call({ firstOffset: 20, lastOffset: 29, batchFirstOffset: 20 });
      // Act
      const claimed = await call({ firstOffset: 12, lastOffset: 12, claims: [12], commands: [incr('100')] });
      const again = await call({
        firstOffset: 12,
        lastOffset: 12,
        claims: [12, 13],
        commands: [incr('100')],
      });
      // Assess: the claim applied once and left the watermark alone; the second claimed nothing.
      expect(claimed).toMatchObject({ status: 'ok', watermark: 29 });
      expect(again).toEqual({ status: 'unowed', watermark: 29, offsets: [12] });
      expect(await redis.get('c')).toBe('102');
      expect(await redis.get(wm)).toBe('29');
      expect(await redis.zrange(owed, 0, -1)).toEqual(['10-11', '13-19']);
    });
  });
});
