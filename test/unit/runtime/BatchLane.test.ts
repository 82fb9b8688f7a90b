import { describe, expect, it, vi } from 'vitest';
import { Logger } from '../../../lambdas/core/Logger';
import { BatchLane } from '../../../local/runtime/pollers/BatchLane';
import { positions, records, type TestRecord } from './factories';

const silent = new Logger('test', { write: () => undefined });

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
