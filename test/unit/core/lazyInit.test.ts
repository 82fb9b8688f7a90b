import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { requiredEnv } from '../../../lambdas/core/handlerEnv';
import { lazyInit } from '../../../lambdas/core/lazyInit';

describe('lazyInit', () => {
  it('builds nothing until the first get, then keeps the value for every later one', async () => {
    // Prepare
    let builds = 0;
    const lazy = lazyInit(() => ({ build: ++builds }));

    // Act
    const before = builds;
    const values = [await lazy.get(), await lazy.get(), await lazy.get()];

    // Assess
    expect(before).toBe(0);
    expect(builds).toBe(1);
    expect(new Set(values).size).toBe(1);
  });

  it('runs init once for concurrent first invocations, which all get its value', async () => {
    // Prepare
    let builds = 0;
    let release: (value: string) => void = () => undefined;
    const lazy = lazyInit(() => {
      builds++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    });

    // Act
    const waiting = [lazy.get(), lazy.get(), lazy.get()];
    release('client');
    const values = await Promise.all(waiting);

    // Assess
    expect(builds).toBe(1);
    expect(values).toEqual(['client', 'client', 'client']);
  });

  it('forgets a failed init, so the next invocation tries again, and concurrent callers share the failure', async () => {
    // Prepare
    let attempts = 0;
    const lazy = lazyInit(async () => {
      attempts++;
      if (attempts === 1) throw new Error('redis unreachable');
      return 'connected';
    });

    // Act
    const first = await Promise.allSettled([lazy.get(), lazy.get()]);
    const second = await lazy.get();

    // Assess
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(second).toBe('connected');
    expect(attempts).toBe(2);
  });

  it('turns a synchronous throw of init into a rejection, and retries it too', async () => {
    // Prepare
    let fail = true;
    const lazy = lazyInit(() => {
      if (fail) throw new TypeError('bad');
      return 1;
    });

    // Act
    const first = lazy.get();
    fail = false;

    // Assess
    await expect(first).rejects.toThrow(TypeError);
    await expect(lazy.get()).resolves.toBe(1);
  });

  it('fails naming a missing environment variable until it is set, then builds', async () => {
    // Prepare: what a handler's init reads.
    const env: NodeJS.ProcessEnv = {};
    const lazy = lazyInit(() => ({ queueUrl: requiredEnv('DEAD_LETTER_QUEUE_URL', env) }));

    // Act
    const missing = lazy.get();
    const missingAgain = await lazy.get().catch((error: unknown) => error);
    env.DEAD_LETTER_QUEUE_URL = 'http://127.0.0.1:4566/000000000000/dlq';
    const built = await lazy.get();

    // Assess
    await expect(missing).rejects.toThrow(ConfigError);
    await expect(missing).rejects.toThrow('DEAD_LETTER_QUEUE_URL: is not set');
    expect(missingAgain).toBeInstanceOf(ConfigError);
    expect(built).toEqual({ queueUrl: 'http://127.0.0.1:4566/000000000000/dlq' });
  });

  it('builds anew after reset, and hands back what it held', async () => {
    // Prepare
    let builds = 0;
    const lazy = lazyInit(async () => ++builds);
    const first = await lazy.get();

    // Act
    const held = lazy.reset();
    const second = await lazy.get();

    // Assess
    await expect(held).resolves.toBe(first);
    expect([first, second]).toEqual([1, 2]);
    expect(lazy.reset()).toBeDefined();
    expect(lazy.reset()).toBeUndefined();
  });

  it('keeps a value built after a reset when the attempt before the reset fails late', async () => {
    // Prepare
    let fail: (error: Error) => void = () => undefined;
    let calls = 0;
    const lazy = lazyInit(() => {
      calls++;
      return calls === 1
        ? new Promise<string>((_, reject) => {
            fail = reject;
          })
        : Promise.resolve('fresh');
    });
    const stale = lazy.get();
    lazy.reset();
    const fresh = await lazy.get();

    // Act
    fail(new Error('late'));
    await stale.catch(() => undefined);

    // Assess
    expect(fresh).toBe('fresh');
    await expect(lazy.get()).resolves.toBe('fresh');
    expect(calls).toBe(2);
  });
});
