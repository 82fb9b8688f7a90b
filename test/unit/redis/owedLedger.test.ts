import { describe, expect, it } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import type { PartitionEvents } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { inOffsetRanges, parseOffsetRanges } from '../../../lambdas/core/sink/offsetRanges';
import type { SinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { RedisPartitionSink } from '../../../lambdas/kafka-to-redis/RedisPartitionSink';
import type { RedisClient } from '../../../lambdas/kafka-to-redis/redisConnection';
import { sinkEvents } from './factories';

describe('owed ranges', () => {
  it('reads first-last members and ignores others', () => {
    expect(parseOffsetRanges(['5-9', '12-12', 'junk', '3-'])).toEqual([
      { first: 5, last: 9 },
      { first: 12, last: 12 },
    ]);
  });

  it('owes an offset inside a range, both ends included', () => {
    const ranges = parseOffsetRanges(['5-9', '12-12']);
    expect([4, 5, 9, 10, 12, 13].map((o) => inOffsetRanges(ranges, o))).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
  });
});

/**
 * The Redis sink's replay path against scripted replies (the script itself runs on a real redis-server in
 * the integration tests): which records a claiming call carries, and the normal pass after it.
 */
describe('RedisPartitionSink in a replay', () => {
  const config: RedisSinkConfig = {
    consumerGroup: 'g',
    mappings: [{ name: 'c', topic: 'clicks', operation: 'counter', key: 'c:{n}' }],
  };

  function fakeRedis(watermark: string | null, owed: string[], replies: ((argv: string[]) => unknown)[]) {
    const calls: { keys: string[]; argv: string[] }[] = [];
    const client = {
      get: async () => watermark,
      zrange: async () => owed,
      call: async (_command: string, args: string[]) => {
        const numKeys = Number(args[1]);
        const call = { keys: args.slice(2, 2 + numKeys), argv: args.slice(2 + numKeys) };
        calls.push(call);
        const reply = replies.shift();
        if (!reply) throw new Error('no reply scripted');
        return reply(call.argv);
      },
    };
    return { client: client as unknown as RedisClient, calls };
  }

  function replayBatch(events: SinkEvent[]): PartitionEvents {
    return {
      topic: 'clicks',
      partition: 0,
      events,
      firstOffset: (events[0] as SinkEvent).record.offset,
      lastOffset: (events[events.length - 1] as SinkEvent).record.offset,
      skippedOffsets: [],
      replay: true,
      remainingMs: () => 60_000,
    };
  }

  it('claims only the owed records below the watermark, then lets the normal pass skip the rest', async () => {
    // Prepare: watermark 20, offsets 11 and 13 owed; the replayed batch is 10..14.
    const { client, calls } = fakeRedis(
      '20',
      ['11-11', '13-13'],
      [() => ['ok', '20', '0'], () => ['dup', '20']],
    );
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const events = sinkEvents('clicks', [{ n: 1 }, { n: 1 }, { n: 2 }, { n: 2 }, { n: 1 }], 10);
    // Act
    const outcome = await sink.applyPartition(replayBatch(events));
    // Assess: the claiming call adds 1 to c:1 (11) and 1 to c:2 (13) and claims exactly 11 and 13.
    expect(calls[0]?.keys).toEqual([
      'sb:wm:g:clicks:0',
      'sb:refused:g:clicks:0',
      'sb:owed:g:clicks:0',
      'c:1',
      'c:2',
    ]);
    expect(calls[0]?.argv.slice(0, 6)).toEqual(['11', '13', expect.any(String), '', '', '11,13']);
    expect(outcome).toEqual({ poison: [], applied: 5, duplicates: 3 });
  });

  it('applies the rest only when another replay took some claims first', async () => {
    // Prepare: 11 and 13 owed, but 11 is taken by the time the call runs.
    const { client, calls } = fakeRedis(
      '20',
      ['11-11', '13-13'],
      [() => ['unowed', '20', '11'], () => ['ok', '20', '0'], () => ['dup', '20']],
    );
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    const events = sinkEvents('clicks', [{ n: 1 }, { n: 1 }, { n: 2 }, { n: 2 }, { n: 1 }], 10);
    // Act
    const outcome = await sink.applyPartition(replayBatch(events));
    // Assess
    expect(calls[1]?.argv[5]).toBe('13');
    expect(outcome.duplicates).toBe(4);
  });

  it('claims nothing when the partition has no watermark yet (everything is new)', async () => {
    // Prepare
    const { client, calls } = fakeRedis(null, [], [(argv) => ['ok', argv[1], '0']]);
    const sink = new RedisPartitionSink({ redis: client, config, cluster: false });
    // Act
    const outcome = await sink.applyPartition(replayBatch(sinkEvents('clicks', [{ n: 1 }], 3)));
    // Assess: one normal call, owing nothing, claiming nothing.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.argv.slice(3, 6)).toEqual(['3', '', '']);
    expect(outcome).toEqual({ poison: [], applied: 1, duplicates: 0 });
  });
});
