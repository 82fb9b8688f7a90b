import { describe, expect, it, vi } from 'vitest';
import { Logger } from '../../../lambdas/core/Logger';
import { BatchLane } from '../../../local/runtime/pollers/BatchLane';
import { CheckpointTracker } from '../../../local/runtime/pollers/CheckpointTracker';
import { laneIndex } from '../../../local/runtime/pollers/laneIndex';
import { kafkaFailureIndex, streamFailureIndex } from '../../../local/runtime/pollers/partialBatchResponse';
import { matchesFilters } from '../../../local/runtime/pollers/recordFilter';
import { positions, records, type TestRecord } from './factories';

const silent = new Logger('test', { write: () => undefined });

describe('CheckpointTracker', () => {
  it('checkpoints only the end of the longest done prefix', () => {
    // Prepare
    const checkpoints: string[] = [];
    const tracker = new CheckpointTracker((position) => checkpoints.push(position));
    tracker.add(['1', '2', '3', '4']);

    // Act
    tracker.done('3');
    tracker.done('2');
    const beforeFirst = [...checkpoints];
    tracker.done('1');
    tracker.done('4');

    // Assess
    expect(beforeFirst).toEqual([]);
    expect(checkpoints).toEqual(['3', '4']);
    expect(tracker.pending).toBe(0);
  });
});

describe('laneIndex', () => {
  it('keeps a key on one lane and spreads keys over all lanes', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    const lanes = new Set(keys.map((key) => laneIndex(key, 4)));

    expect(laneIndex('key-7', 4)).toBe(laneIndex('key-7', 4));
    expect(lanes).toEqual(new Set([0, 1, 2, 3]));
    expect(laneIndex('anything', 1)).toBe(0);
  });
});

describe('partial batch responses', () => {
  const batch = records(3, { first: 10 });

  it('finds the lowest reported stream sequence number', () => {
    expect(
      streamFailureIndex({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '11' }] }, batch),
    ).toBe(1);
    expect(streamFailureIndex({ batchItemFailures: [] }, batch)).toBeUndefined();
    expect(streamFailureIndex('not an object', batch)).toBeUndefined();
    expect(streamFailureIndex({ batchItemFailures: [{ itemIdentifier: 11 }] }, batch)).toBe('invalid');
  });

  it('matches Kafka identifiers on topic-partition and offset', () => {
    const id = (tp: string, offset: unknown) => ({
      batchItemFailures: [{ itemIdentifier: { 'topic-partition': tp, offset } }],
    });

    expect(kafkaFailureIndex(id('t-0', 11), batch, 't-0')).toBe(1);
    expect(kafkaFailureIndex(id('t-0', '12'), batch, 't-0')).toBe(2);
    expect(kafkaFailureIndex(id('t-1', 11), batch, 't-0')).toBe('invalid');
    expect(kafkaFailureIndex(id('t-0', 99), batch, 't-0')).toBe('invalid');
    expect(kafkaFailureIndex({ batchItemFailures: [{ itemIdentifier: '11' }] }, batch, 't-0')).toBe(
      'invalid',
    );
  });
});

describe('matchesFilters', () => {
  it('passes everything without filters and ORs several filters', () => {
    expect(matchesFilters({ a: 1 }, [])).toBe(true);
    expect(matchesFilters({ a: 1 }, [{ a: [2] }, { a: [1] }])).toBe(true);
    expect(matchesFilters({ a: 1 }, [{ a: [2] }, { a: [3] }])).toBe(false);
  });
});

describe('BatchLane', () => {
  function lane(options: { batchSize: number; windowMs: number }) {
    const batches: { positions: string[]; at: number }[] = [];
    const controller = new AbortController();
    const started = Date.now();
    const instance = new BatchLane<TestRecord>({
      name: 'test',
      ...options,
      signal: controller.signal,
      logger: silent,
      deliver: async (batch) => {
        batches.push({ positions: positions(batch), at: Date.now() - started });
      },
    });
    return { instance, batches, controller, running: instance.run() };
  }

  it('invokes at once with a zero window, in batches of BatchSize', async () => {
    // Prepare
    const { instance, batches, controller, running } = lane({ batchSize: 2, windowMs: 0 });

    // Act
    instance.push(records(5));
    await vi.waitFor(() => expect(batches.flatMap((b) => b.positions)).toHaveLength(5), {
      timeout: 2_000,
      interval: 5,
    });
    controller.abort();
    await running;

    // Assess
    expect(batches.map((b) => b.positions)).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('waits for the batching window to gather records that arrive within it', async () => {
    // Prepare
    const { instance, batches, controller, running } = lane({ batchSize: 10, windowMs: 300 });

    // Act: three records in three pushes inside the window.
    instance.push(records(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    instance.push(records(1, { first: 2 }));
    instance.push(records(1, { first: 3 }));
    await vi.waitFor(() => expect(batches).toHaveLength(1), { timeout: 2_000, interval: 10 });
    controller.abort();
    await running;

    // Assess: one batch, sent when the window of the first record closed.
    expect(batches[0]?.positions).toEqual(['1', '2', '3']);
    expect(batches[0]?.at).toBeGreaterThanOrEqual(290);
  });

  it('does not wait for the window once BatchSize is reached', async () => {
    const { instance, batches, controller, running } = lane({ batchSize: 2, windowMs: 5_000 });

    instance.push(records(2));
    await vi.waitFor(() => expect(batches).toHaveLength(1), { timeout: 1_000, interval: 5 });
    controller.abort();
    await running;

    expect(batches[0]?.at).toBeLessThan(1_000);
  });
});
