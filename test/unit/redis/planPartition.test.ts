import { describe, expect, it } from 'vitest';
import type { RedisMapping } from '../../../config/types';
import { POISON_KINDS } from '../../../lambdas/core/sink/errors';
import { changeEnvelope, commandsOf, plan, sinkEvent, sinkEvents } from './factories';

const T = 'clicks';
const base = { topic: T } as const;
const NOV_26_08H = Date.UTC(2025, 10, 26, 8, 30);

describe('planPartition: compaction per key', () => {
  it('sums a counter per key: 1 000 clicks over 5 pages are 5 INCRBYs and 5 EXPIREs', () => {
    // Prepare
    const mappings: RedisMapping[] = [
      { ...base, name: 'views', operation: 'counter', key: 'views:{page}:{ts:yyyyMMddHH}', ttlSeconds: 3600 },
    ];
    const events = sinkEvents(
      T,
      Array.from({ length: 1000 }, (_, i) => ({ page: `p${i % 5}`, ts: NOV_26_08H })),
    );
    // Act
    const result = plan(mappings, events);
    // Assess
    expect(result.chunks).toHaveLength(1);
    expect(commandsOf(result)).toEqual(
      [0, 1, 2, 3, 4].flatMap((p) => [
        ['INCRBY', `views:p${p}:2025112608`, '200'],
        ['EXPIRE', `views:p${p}:2025112608`, '3600'],
      ]),
    );
    expect(result.chunks[0]?.lastOffset).toBe(999);
  });

  it('sums hash counter fields by an increment field, switching to the FLOAT form for fractions', () => {
    const mappings: RedisMapping[] = [
      {
        ...base,
        name: 'c',
        operation: 'counter',
        key: 'stats:{page}',
        hashField: '{kind}',
        incrementField: 'n',
      },
    ];
    const events = sinkEvents(T, [
      { page: 'home', kind: 'a', n: 2 },
      { page: 'home', kind: 'a', n: 3 },
      { page: 'home', kind: 'b', n: 0.5 },
      { page: 'home', kind: 'b', n: '1.25' },
      { page: 'home', kind: 'c', n: { $N: '4' } },
    ]);
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['HINCRBY', 'stats:home', 'a', '5'],
      ['HINCRBYFLOAT', 'stats:home', 'b', '1.75'],
      ['HINCRBY', 'stats:home', 'c', '4'],
    ]);
  });

  it('sums leaderboard increments per member (ZINCRBY) and keeps the last set score (one ZADD)', () => {
    const mappings: RedisMapping[] = [
      {
        ...base,
        name: 'inc',
        operation: 'leaderboard',
        key: 'top',
        member: '{p}',
        scoreField: 'q',
        mode: 'increment',
      },
      {
        topic: 'scores',
        name: 'set',
        operation: 'leaderboard',
        key: 'best',
        member: '{p}',
        scoreField: 'q',
        mode: 'set',
      },
    ];
    const events = [
      ...sinkEvents(T, [
        { p: 'a', q: 1 },
        { p: 'b', q: 2 },
        { p: 'a', q: 3 },
      ]),
      ...sinkEvents('scores', [
        { p: 'x', q: 10 },
        { p: 'y', q: 7 },
        { p: 'x', q: 4 },
      ]),
    ];
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['ZINCRBY', 'top', '4', 'a'],
      ['ZINCRBY', 'top', '2', 'b'],
      ['ZADD', 'best', '4', 'x', '7', 'y'],
    ]);
  });

  it('adds increments that follow a set score to it', () => {
    const mappings: RedisMapping[] = [
      {
        ...base,
        name: 'inc',
        operation: 'leaderboard',
        key: 'top',
        member: '{p}',
        scoreField: 'q',
        mode: 'increment',
      },
      {
        ...base,
        name: 'set',
        operation: 'leaderboard',
        key: 'top',
        member: '{p}',
        scoreField: 's',
        mode: 'set',
        filter: { s: [{ exists: true }] },
      },
    ];
    const events = sinkEvents(T, [
      { p: 'a', q: 5 },
      { p: 'a', q: 0, s: 100 },
      { p: 'a', q: 2 },
    ]);
    expect(commandsOf(plan(mappings, events))).toEqual([['ZADD', 'top', '102', 'a']]);
  });

  it('sends one PFADD per key with every distinct element', () => {
    const mappings: RedisMapping[] = [
      { ...base, name: 'u', operation: 'unique', key: 'uv:{page}', element: '{user}', ttlSeconds: 60 },
    ];
    const events = sinkEvents(
      T,
      Array.from({ length: 30 }, (_, i) => ({ page: 'home', user: `u${i % 4}` })),
    );
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['PFADD', 'uv:home', 'u0', 'u1', 'u2', 'u3'],
      ['EXPIRE', 'uv:home', '60'],
    ]);
  });

  it('splits a PFADD of many elements so that no command exceeds the per-command argument cap', () => {
    const mappings: RedisMapping[] = [
      { ...base, name: 'u', operation: 'unique', key: 'uv', element: '{user}' },
    ];
    const events = sinkEvents(
      T,
      Array.from({ length: 2500 }, (_, i) => ({ user: `u${i}` })),
    );
    const commands = commandsOf(plan(mappings, events));
    expect(commands.map((c) => c.length - 2)).toEqual([1000, 1000, 500]);
  });

  it('keeps stream entries in order, each an XADD capped with MAXLEN ~', () => {
    const mappings: RedisMapping[] = [
      { ...base, name: 's', operation: 'stream', key: 'readings:{d}', maxLength: 100 },
    ];
    const events = sinkEvents(T, [
      { d: 'x', t: 1 },
      { d: 'x', t: 2, tags: ['a'] },
    ]);
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['XADD', 'readings:x', 'MAXLEN', '~', '100', '*', 'd', 'x', 't', '1'],
      ['XADD', 'readings:x', 'MAXLEN', '~', '100', '*', 'd', 'x', 't', '2', 'tags', '["a"]'],
    ]);
  });

  it('marks stream entries made from changes with their change id, so a re-produced change is appended once', () => {
    const mappings: RedisMapping[] = [
      { ...base, name: 's', operation: 'stream', key: 'readings:{d}', maxLength: 100 },
    ];
    const events = sinkEvents(T, [changeEnvelope('c', { d: 'x', t: 1 }, '7')]);
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['SB.XADD1', 'readings:x', 'vkey=sb:seen:readings:x', 'sb-products#e-7', '100', 'd', 'x', 't', '1'],
    ]);
  });

  it('pushes list entries in order and trims, pushing only what the trim keeps', () => {
    const mappings: RedisMapping[] = [
      { ...base, name: 'l', operation: 'list', key: 'recent', maxLength: 2, ttlSeconds: 30 },
    ];
    const events = sinkEvents(T, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['LPUSH', 'recent', '{"n":2}', '{"n":3}'],
      ['LTRIM', 'recent', '0', '1'],
      ['EXPIRE', 'recent', '30'],
    ]);
  });
});

describe('planPartition: sessions', () => {
  const session: RedisMapping = {
    topic: 'sessions',
    name: 's',
    operation: 'session',
    key: 'session:{sessionId}',
    ttlSeconds: 1800,
    deleteWhen: { type: ['logout'] },
  };

  it('merges plain events into the hash and refreshes the sliding TTL once', () => {
    const events = sinkEvents('sessions', [
      { sessionId: 's1', type: 'login', user: 'u1' },
      { sessionId: 's1', type: 'view', page: 'home' },
    ]);
    expect(commandsOf(plan([session], events))).toEqual([
      ['HSET', 'session:s1', 'sessionId', 's1', 'type', 'view', 'user', 'u1', 'page', 'home'],
      ['EXPIRE', 'session:s1', '1800'],
    ]);
  });

  it('deletes on a deleteWhen match, and starts over after it', () => {
    const events = sinkEvents('sessions', [
      { sessionId: 's1', type: 'login', user: 'u1' },
      { sessionId: 's1', type: 'logout' },
      { sessionId: 's2', type: 'login' },
      { sessionId: 's2', type: 'logout' },
      { sessionId: 's2', type: 'login', user: 'u9' },
    ]);
    expect(commandsOf(plan([session], events))).toEqual([
      ['DEL', 'session:s1'],
      ['DEL', 'session:s2'],
      ['HSET', 'session:s2', 'sessionId', 's2', 'type', 'login', 'user', 'u9'],
      ['EXPIRE', 'session:s2', '1800'],
    ]);
  });

  it('replaces the hash with a change image and deletes on a CDC delete', () => {
    const events = [
      sinkEvent({
        topic: 'sessions',
        offset: 0,
        value: changeEnvelope('u', { sessionId: 's1', n: 2 }, '10'),
      }),
      sinkEvent({
        topic: 'sessions',
        offset: 1,
        value: changeEnvelope('u', { sessionId: 's2', n: 1 }, '11'),
      }),
      sinkEvent({
        topic: 'sessions',
        offset: 2,
        value: changeEnvelope('d', { sessionId: 's2', n: 1 }, '12'),
      }),
    ];
    expect(commandsOf(plan([session], events))).toEqual([
      ['DEL', 'session:s1'],
      ['HSET', 'session:s1', 'sessionId', 's1', 'n', '2'],
      ['EXPIRE', 'session:s1', '1800'],
      ['DEL', 'session:s2'],
    ]);
  });

  it('stores a string session with SET … EX, or SET then EXPIREAT for an absolute expiry field', () => {
    const mappings: RedisMapping[] = [
      { topic: 'a', name: 'a', operation: 'session', key: 'sa:{id}', ttlSeconds: 60, store: 'string' },
      { topic: 'b', name: 'b', operation: 'session', key: 'sb:{id}', expiresAtField: 'exp', store: 'string' },
    ];
    const events = [
      sinkEvent({ topic: 'a', offset: 0, value: { id: 1 } }),
      sinkEvent({ topic: 'b', offset: 1, value: { id: 2, exp: '2030-01-01T00:00:00Z' } }),
    ];
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['SET', 'sa:1', '{"id":1}', 'EX', '60'],
      ['SET', 'sb:2', '{"id":2,"exp":"2030-01-01T00:00:00Z"}'],
      ['EXPIREAT', 'sb:2', String(Date.UTC(2030, 0, 1) / 1000)],
    ]);
  });

  it('dead-letters a session event without its expiry field when there is no ttlSeconds', () => {
    const mappings: RedisMapping[] = [
      { topic: 'b', name: 'b', operation: 'session', key: 's:{id}', expiresAtField: 'exp' },
    ];
    const result = plan(mappings, sinkEvents('b', [{ id: 1 }, { id: 2, exp: 'never' }]));
    expect(result.poison.map((p) => [p.record.offset, p.error.kind, p.error.message])).toEqual([
      [
        0,
        POISON_KINDS.missingField,
        'session expiry field "exp" is missing and the mapping has no ttlSeconds',
      ],
      [1, POISON_KINDS.wrongType, 'session expiry field "exp" is not a time (got "never")'],
    ]);
  });
});

describe('planPartition: cache entries', () => {
  const cache: RedisMapping = {
    topic: 'products',
    name: 'c',
    operation: 'cache',
    key: 'product:{productId}',
  };
  const change = (offset: number, op: 'c' | 'u' | 'd', seq: string, price: number) =>
    sinkEvent({ topic: 'products', offset, value: changeEnvelope(op, { productId: 'p1', price }, seq) });

  it('keeps only the newest version of the batch, comparing sequence numbers of different lengths', () => {
    const events = [change(0, 'u', '900', 1), change(1, 'u', '10000', 3), change(2, 'u', '9999', 2)];
    const result = plan([cache], events);
    expect(commandsOf(result)).toEqual([
      ['SB.VSET', 'product:p1', 'vkey=sb:ver:product:p1', '10000', '0', '{"productId":"p1","price":3}'],
    ]);
    expect(result.staleInBatch).toBe(1);
  });

  it('turns a CDC delete into a strictly guarded SB.VDEL, and a versionField delete into an inclusive one', () => {
    const byField: RedisMapping = {
      topic: 'items',
      name: 'v',
      operation: 'cache',
      key: 'item:{id}',
      versionField: 'version',
      store: 'hash',
      ttlSeconds: 60,
    };
    const events = [
      change(0, 'c', '5', 1),
      change(1, 'd', '6', 1),
      sinkEvent({
        topic: 'items',
        offset: 2,
        value: changeEnvelope('u', { id: 'i', version: 3, a: 'x' }, '1'),
      }),
      sinkEvent({ topic: 'items', offset: 3, value: changeEnvelope('d', { id: 'j', version: 4 }, '2') }),
    ];
    expect(commandsOf(plan([cache, byField], events))).toEqual([
      ['SB.VDEL', 'product:p1', 'vkey=sb:ver:product:p1', '6', '1'],
      ['SB.VHSET', 'item:i', 'vkey=sb:ver:item:i', '3', '60', 'id', 'i', 'version', '3', 'a', 'x'],
      ['SB.VDEL', 'item:j', 'vkey=sb:ver:item:j', '4', '2'],
    ]);
  });

  it('purges on a tombstone, keeping the highest version seen as the marker floor', () => {
    const events = [
      change(0, 'u', '7', 1),
      sinkEvent({ topic: 'products', offset: 1, value: null, key: '{"productId":"p1"}' }),
      sinkEvent({ topic: 'products', offset: 2, value: null, key: '{"productId":"p2"}' }),
    ];
    expect(commandsOf(plan([cache], events))).toEqual([
      ['SB.VDEL', 'product:p1', 'vkey=sb:ver:product:p1', '7', '0'],
      ['SB.VDEL', 'product:p2', 'vkey=sb:ver:product:p2', '', '0'],
    ]);
  });

  it('dead-letters a cache event without a version', () => {
    const result = plan([cache], sinkEvents('products', [{ productId: 'p1' }]));
    expect(result.poison[0]?.error.message).toContain('a cache entry needs a version');
    expect(commandsOf(result)).toEqual([]);
  });

  it('names version keys in the slot of their entry in cluster mode', () => {
    const result = plan([cache], [change(0, 'u', '1', 1)], { cluster: true });
    expect(commandsOf(result)[0]?.[2]).toMatch(/^vkey=sb:ver:\{[0-9a-z]+\}:product:p1$/);
  });
});

describe('planPartition: filters, deletes and poison', () => {
  const mappings: RedisMapping[] = [
    { ...base, name: 'views', operation: 'counter', key: 'views:{page}' },
    {
      ...base,
      name: 'top',
      operation: 'leaderboard',
      key: 'top',
      member: '{productId}',
      scoreField: 'quantity',
      mode: 'increment',
      filter: { productId: [{ exists: true }] },
    },
  ];

  it('applies a mapping only to the events its filter matches', () => {
    const events = sinkEvents(T, [{ page: 'a' }, { page: 'a', productId: 'x', quantity: 2 }]);
    expect(commandsOf(plan(mappings, events))).toEqual([
      ['INCRBY', 'views:a', '2'],
      ['ZINCRBY', 'top', '2', 'x'],
    ]);
  });

  it('skips deletes and tombstones for counting operations', () => {
    const events = [
      sinkEvent({ topic: T, offset: 0, value: changeEnvelope('d', { page: 'a' }, '1') }),
      sinkEvent({ topic: T, offset: 1, value: null, key: 'a' }),
      sinkEvent({ topic: T, offset: 2, value: changeEnvelope('c', { page: 'a' }, '2') }),
    ];
    const result = plan(mappings, events);
    expect(commandsOf(result)).toEqual([['INCRBY', 'views:a', '1']]);
    expect(result.poison).toEqual([]);
  });

  it('makes a record poison as a whole: no mapping applies a record that one mapping refuses', () => {
    const events = sinkEvents(T, [
      { page: 'a', productId: 'x', quantity: 'many' },
      { productId: 'y', quantity: 1 },
      { page: { nested: true } },
      { page: 'b' },
    ]);
    const result = plan(mappings, events);
    expect(result.poison.map((p) => [p.record.offset, p.error.kind, p.error.message])).toEqual([
      [0, POISON_KINDS.wrongType, 'field "quantity" is not a number (got "many")'],
      [1, POISON_KINDS.missingField, 'key template "views:{page}": field "page" is missing'],
      [2, POISON_KINDS.wrongType, 'key template "views:{page}": field "page" is an object, not a scalar'],
    ]);
    expect(commandsOf(result)).toEqual([['INCRBY', 'views:b', '1']]);
  });

  it('refuses a leaderboard event without its score field', () => {
    const result = plan(mappings, sinkEvents(T, [{ page: 'a', productId: 'x' }]));
    expect(result.poison[0]?.error.message).toBe('score field "quantity" is missing');
  });

  it('writes nothing for topics without mappings', () => {
    const result = plan(mappings, sinkEvents('other', [{ page: 'a' }]));
    expect(commandsOf(result)).toEqual([]);
    expect(result.chunks).toHaveLength(1);
  });
});

describe('planPartition: chunks', () => {
  const mappings: RedisMapping[] = [{ ...base, name: 'c', operation: 'counter', key: 'c:{id}' }];

  it('cuts the batch into chunks when the arguments of one call would exceed the limit', () => {
    // Prepare: each new key costs 6 arguments (key, INCRBY name, key index, argc, amount).
    const events = sinkEvents(
      T,
      Array.from({ length: 10 }, (_, i) => ({ id: i })),
      100,
    );
    // Act
    const result = plan(mappings, events, { maxArgsPerCall: 18, lastOffset: 112 });
    // Assess
    expect(result.chunks.map((c) => [c.events.map((e) => e.record.offset), c.lastOffset])).toEqual([
      [[100, 101, 102], 102],
      [[103, 104, 105], 105],
      [[106, 107, 108], 108],
      [[109], 112],
    ]);
    expect(commandsOf(result)).toHaveLength(10);
  });

  it('cuts by bytes too, and a chunk ends where its last event is', () => {
    const big = 'x'.repeat(1000);
    const list: RedisMapping[] = [{ ...base, name: 'l', operation: 'list', key: 'l', maxLength: 10 }];
    const result = plan(list, sinkEvents(T, [{ big }, { big }, { big }]), { maxBytesPerCall: 1500 });
    expect(result.chunks.map((c) => c.lastOffset)).toEqual([1, 2]);
  });

  it('lets the last chunk cover trailing poison so the watermark reaches the end of the batch', () => {
    const events = [
      ...sinkEvents(T, [{ id: 1 }, { id: 2 }]),
      sinkEvent({ topic: T, offset: 2, value: { nothing: true } }),
    ];
    const result = plan(mappings, events, { maxArgsPerCall: 12, lastOffset: 2 });
    expect(result.chunks.map((c) => c.lastOffset)).toEqual([2]);
    expect(result.poison.map((p) => p.record.offset)).toEqual([2]);
  });
});
