import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

  describe('the window of a stream (begins when the previous invocation completes)', () => {
    beforeEach(() => {
      vi.useFakeTimers({ now: 0 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A lane whose function takes `invokeMs`; batches record when each invocation began. */
    function timedLane(windowMs: number, invokeMs: number) {
      const batches: { positions: string[]; at: number }[] = [];
      const controller = new AbortController();
      const instance = new BatchLane<TestRecord>({
        name: 'timed',
        batchSize: 10,
        windowMs,
        signal: controller.signal,
        logger: silent,
        deliver: async (batch) => {
          batches.push({ positions: positions(batch), at: Date.now() });
          await new Promise((resolve) => setTimeout(resolve, invokeMs));
        },
      });
      return { instance, batches, controller, running: instance.run() };
    }

    it('sends a record read after a quiet spell longer than the window at once', async () => {
      // Prepare
      const { instance, batches, controller, running } = timedLane(300, 100);
      await vi.advanceTimersByTimeAsync(500);

      // Act
      instance.push(records(1));
      await vi.advanceTimersByTimeAsync(0);

      // Assess: the window that began when the lane started is long over.
      expect(batches).toEqual([{ positions: ['1'], at: 500 }]);
      controller.abort();
      await vi.advanceTimersByTimeAsync(100);
      await running;
    });

    it('gathers what arrives after an invocation until the window after its end closes', async () => {
      // Prepare: one record at 500 ms is invoked at once and completes at 600 ms.
      const { instance, batches, controller, running } = timedLane(300, 100);
      await vi.advanceTimersByTimeAsync(500);
      instance.push(records(1));
      await vi.advanceTimersByTimeAsync(150);

      // Act: two more at 650 and 800 ms, inside the window that began at 600 ms.
      instance.push(records(1, { first: 2 }));
      await vi.advanceTimersByTimeAsync(150);
      instance.push(records(1, { first: 3 }));
      await vi.advanceTimersByTimeAsync(200);

      // Assess: one batch of both when that window closed (900 ms), not 300 ms after the first of them.
      expect(batches).toEqual([
        { positions: ['1'], at: 500 },
        { positions: ['2', '3'], at: 900 },
      ]);
      controller.abort();
      await vi.advanceTimersByTimeAsync(100);
      await running;
    });

    it('retries a batch whose delivery failed outside the function without a new window', async () => {
      // Prepare: the first delivery throws (not a function error), the second succeeds.
      const attempts: number[] = [];
      const controller = new AbortController();
      const instance = new BatchLane<TestRecord>({
        name: 'retry',
        batchSize: 10,
        windowMs: 5_000,
        signal: controller.signal,
        logger: silent,
        deliver: async () => {
          attempts.push(Date.now());
          if (attempts.length === 1) throw new Error('environment busy');
        },
      });
      const running = instance.run();
      await vi.advanceTimersByTimeAsync(6_000);

      // Act
      instance.push(records(1));
      await vi.advanceTimersByTimeAsync(1_000);

      // Assess: tried at 6 s, again after the 1 s pause, not 5 s after.
      expect(attempts).toEqual([6_000, 7_000]);
      controller.abort();
      await running;
    });
  });
});
