import { describe, expect, it } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import { PartitionApplyError } from '../../../lambdas/core/sink/errors';
import type { PartitionEvents } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import type { SinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { RedisPartitionSink } from '../../../lambdas/kafka-to-redis/RedisPartitionSink';
import type { RedisClient } from '../../../lambdas/kafka-to-redis/redisConnection';
import { sinkEvents } from './factories';

/**
 * An in-memory stand-in for the script calls (the script itself is tested on a real redis-server): it
 * records each call's KEYS/ARGV and answers with the scripted replies, in order.
 */
function fakeRedis(replies: ((argv: string[]) => unknown)[]) {
  const calls: { keys: string[]; argv: string[] }[] = [];
  /** Commands other than the script (HDEL of the refusals outbox). */
  const others: { command: string; args: string[] }[] = [];
  const client = {
    call: async (command: string, args: string[]) => {
      const reply = replies.shift();
      if (!reply) throw new Error('no reply scripted');
      if (!command.startsWith('EVAL')) {
        others.push({ command, args });
        return reply(args);
      }
      const numKeys = Number(args[1]);
      const call = { keys: args.slice(2, 2 + numKeys), argv: args.slice(2 + numKeys) };
      calls.push(call);
      return reply(call.argv);
    },
  };
  return { client: client as unknown as RedisClient, calls, others };
}

const ok = (argv: string[]) => ['ok', argv[1], '0'];
const config: RedisSinkConfig = {
  consumerGroup: 'g',
  mappings: [{ name: 'c', topic: 'clicks', operation: 'counter', key: 'c:{n}' }],
};
/** Each key costs 6 arguments: 2 distinct keys per chunk with this limit. */
const limits = { maxArgsPerCall: 12 };

function batch(events: SinkEvent[], remainingMs = 60_000): PartitionEvents {
  const last = events[events.length - 1] as SinkEvent;
  return {
    topic: 'clicks',
    partition: 0,
    events,
    firstOffset: (events[0] as SinkEvent).record.offset,
    lastOffset: last.record.offset,
    skippedOffsets: [],
    replay: false,
    remainingMs: () => remainingMs,
  };
}

describe('RedisPartitionSink', () => {
  it('applies chunk after chunk, each call guarded by the partition watermark up to its last offset', async () => {
    // Prepare
    const { client, calls } = fakeRedis([ok, ok]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false, limits });
    // Act
    const outcome = await sink.applyPartition(
      batch(sinkEvents('clicks', [{ n: 1 }, { n: 2 }, { n: 3 }], 10)),
    );
    // Assess
    expect(calls.map((c) => [c.keys[0], c.argv[0], c.argv[1]])).toEqual([
      ['sb:wm:g:clicks:0', '10', '11'],
      ['sb:wm:g:clicks:0', '12', '12'],
    ]);
    expect(outcome).toEqual({ poison: [], applied: 3, duplicates: 0 });
  });

  it('reports the first offset of the failed call, with the poison found before it', async () => {
    // Prepare: chunk 1 applies, chunk 2's call fails.
    const { client } = fakeRedis([
      ok,
      () => {
        throw new Error('Connection is closed.');
      },
    ]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false, limits });
    const events = sinkEvents('clicks', [{ n: 1 }, { bad: true }, { n: 2 }, { n: 3 }, { n: 4 }], 20);
    // Act
    const error = await sink.applyPartition(batch(events)).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(PartitionApplyError);
    expect((error as PartitionApplyError).failedAtOffset).toBe(23);
    expect((error as PartitionApplyError).poison.map((p) => p.record.offset)).toEqual([21]);
  });

  it('stops before a chunk when the invocation is about to time out', async () => {
    const { client, calls } = fakeRedis([]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false, limits });
    const error = await sink
      .applyPartition(batch(sinkEvents('clicks', [{ n: 1 }], 5), 1_000))
      .catch((e) => e);
    expect((error as PartitionApplyError).failedAtOffset).toBe(5);
    expect((error as Error).message).toContain('about to time out');
    expect(calls).toEqual([]);
  });

  it('replans a call from the events after the watermark when a redelivery overlaps it', async () => {
    // Prepare: the watermark is at 31, inside the call's range 30..33.
    const { client, calls } = fakeRedis([() => ['behind', '31'], ok]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const events = sinkEvents('clicks', [{ n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }], 30);
    // Act
    const outcome = await sink.applyPartition(batch(events));
    // Assess: the replanned call adds 1 to c:1 (offset 32) and 1 to c:2 (offset 33).
    expect(calls[1]?.argv).toEqual([
      '32',
      '33',
      expect.any(String),
      '30',
      '',
      '',
      'INCRBY',
      '4',
      '1',
      '1',
      'INCRBY',
      '5',
      '1',
      '1',
    ]);
    expect(calls[1]?.keys).toEqual([
      'sb:wm:g:clicks:0',
      'sb:refused:g:clicks:0',
      'sb:owed:g:clicks:0',
      'c:1',
      'c:2',
    ]);
    expect(outcome.duplicates).toBe(2);
  });

  it('counts a call found at or below the watermark as duplicates and writes nothing more', async () => {
    const { client, calls } = fakeRedis([() => ['dup', '99']]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const outcome = await sink.applyPartition(batch(sinkEvents('clicks', [{ n: 1 }, { n: 2 }], 40)));
    expect(calls).toHaveLength(1);
    expect(outcome).toEqual({ poison: [], applied: 2, duplicates: 2 });
  });

  it('dead-letters every record folded into a key whose command Redis refused', async () => {
    const { client } = fakeRedis([(argv) => ['ok', argv[1], '0', '0', 'WRONGTYPE Operation against a key']]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const outcome = await sink.applyPartition(batch(sinkEvents('clicks', [{ n: 1 }, { n: 2 }, { n: 1 }], 0)));
    expect(outcome.poison?.map((p) => [p.record.offset, p.error.kind, p.error.message])).toEqual([
      [0, 'WrongType', 'Redis refused INCRBY on key "c:1": WRONGTYPE Operation against a key'],
      [2, 'WrongType', 'Redis refused INCRBY on key "c:1": WRONGTYPE Operation against a key'],
    ]);
    expect(outcome.applied).toBe(1);
  });

  it('deletes a refusal from the outbox once the sink is told its records were dead-lettered', async () => {
    // Prepare
    const { client, calls } = fakeRedis([
      (argv) => ['ok', argv[1], '0', '0', 'WRONGTYPE Operation against a key'],
      () => 1,
    ]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const outcome = await sink.applyPartition(
      batch(sinkEvents('clicks', [{ n: 1 }, { n: 2 }, { n: 1 }], 10)),
    );
    // Act
    await sink.deadLettered(outcome.poison ?? []);
    // Assess: the field names the call's range (10..12) and the command's index in it; its records are owed.
    expect(calls[1]).toEqual({
      keys: ['sb:owed:g:clicks:0', 'sb:refused:g:clicks:0'],
      argv: ['10,12', '10-12:0'],
    });
  });

  it('dead-letters the refused records a redelivery lists from the outbox, not the others', async () => {
    // Prepare: an earlier delivery of 20..25 had INCRBY on c:1 (index 0) refused; its dead letters were lost.
    const { client, calls } = fakeRedis([
      () => [
        'dup',
        '25',
        '20-25:0',
        'INCRBY\nWRONGTYPE Operation against a key\nc:1',
        '0-9:0',
        'INCRBY\nERR\nc:1',
      ],
      () => 1,
    ]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const events = sinkEvents('clicks', [{ n: 1 }, { n: 2 }, { n: 1 }, { n: 2 }], 22);
    // Act
    const outcome = await sink.applyPartition(batch(events));
    await sink.deadLettered(outcome.poison ?? []);
    // Assess: offsets 22 and 24 were folded into c:1; the refusal of 0..9 is not this batch's.
    expect(outcome.poison?.map((p) => [p.record.offset, p.error.kind, p.error.message])).toEqual([
      [22, 'WrongType', 'Redis refused INCRBY on key "c:1": WRONGTYPE Operation against a key'],
      [24, 'WrongType', 'Redis refused INCRBY on key "c:1": WRONGTYPE Operation against a key'],
    ]);
    expect(outcome).toMatchObject({ applied: 2, duplicates: 2 });
    expect(calls[1]).toEqual({
      keys: ['sb:owed:g:clicks:0', 'sb:refused:g:clicks:0'],
      argv: ['22,24', '20-25:0'],
    });
  });

  it('sends the tombstone TTL of the sink config with each call (default 8 days)', async () => {
    // Prepare
    const events = sinkEvents('clicks', [{ n: 1 }], 0);
    const configured = fakeRedis([ok]);
    const defaulted = fakeRedis([ok]);
    // Act
    await new RedisPartitionSink({
      redis: configured.client,
      config: { ...config, tombstoneTtlSeconds: 7_200 },
      cluster: false,
    }).applyPartition(batch(events));
    await new RedisPartitionSink({ redis: defaulted.client, config, cluster: false }).applyPartition(
      batch(events),
    );
    // Assess
    expect(configured.calls[0]?.argv[2]).toBe('7200');
    expect(defaulted.calls[0]?.argv[2]).toBe(String(8 * 86_400));
  });

  it('runs one call per hash slot in cluster mode, each with a watermark in that slot', async () => {
    const { client, calls } = fakeRedis([ok, ok, ok]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: true });
    await sink.applyPartition(batch(sinkEvents('clicks', [{ n: 'a' }, { n: 'b' }, { n: 'c' }], 0)));
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call.keys[0]).toMatch(/^sb:wm:\{[0-9a-z]+\}:g:clicks:0$/);
  });
});
