import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime';
import {
  type Conformance,
  deployConformance,
  type RuntimeLogLine,
  type TestRecord,
} from './conformanceHarness';

/** A Kinesis-shaped event the scripted function reads, for direct invocations. */
function directEvent(records: readonly TestRecord[]) {
  return {
    Records: records.map((record, index) => ({
      kinesis: {
        sequenceNumber: String(index + 1),
        data: Buffer.from(JSON.stringify(record)).toString('base64'),
      },
    })),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local execution environments (functions from a synthesized template)', () => {
  let conformance: Conformance;
  let runtime: LocalRuntime;
  let logs: RuntimeLogLine[];

  beforeAll(async () => {
    conformance = await deployConformance('env', [
      { id: 'Warm', source: 'none', memoryMb: 256, timeoutSeconds: 10 },
      { id: 'Timeout', source: 'none', timeoutSeconds: 1 },
      { id: 'Crash', source: 'none' },
      { id: 'Esm', source: 'none', esm: true },
      { id: 'InitError', source: 'none', environment: { FAIL_INIT: 'true' } },
      { id: 'Prewarmed', source: 'none' },
      { id: 'PrewarmInitError', source: 'none', environment: { FAIL_INIT: 'true' } },
    ]);
    ({ runtime, logs } = await conformance.run([]));
  });

  afterAll(async () => {
    await conformance?.destroy();
  });

  it('prewarms a function: its environments run the init phase first, and the next invocation is warm', async () => {
    // Prepare
    const pool = runtime.function(conformance.fn('Prewarmed').functionName);

    // Act
    const errors = await pool.prewarm();
    const result = await runtime.invoke(pool.functionName, directEvent([{ id: 'after-prewarm' }]));

    // Assess
    expect(errors).toEqual([]);
    expect(pool.environments.length).toBeGreaterThanOrEqual(1);
    expect(pool.environments.every((environment) => environment.coldStarts === 1)).toBe(true);
    expect(result).toMatchObject({ ok: true, coldStart: false });
  });

  it('reports the init errors a prewarm meets, and the function stays invocable (init tried again)', async () => {
    // Prepare
    const pool = runtime.function(conformance.fn('PrewarmInitError').functionName);

    // Act
    const errors = await pool.prewarm();
    const result = await runtime.invoke(pool.functionName, directEvent([{ id: 'x' }]));

    // Assess
    expect(errors.length).toBe(pool.environments.length);
    expect(errors[0]?.errorMessage).toBeTruthy();
    expect(result).toMatchObject({ ok: false, kind: 'init' });
  });

  it("runs the bundled asset with the template's environment, handler, memory and a Lambda context", async () => {
    // Prepare
    const fn = conformance.fn('Warm');

    // Act
    const result = await runtime.invoke(fn.functionName, directEvent([{ id: 'hello' }]));

    // Assess
    expect(result).toMatchObject({ ok: true, payload: { batchItemFailures: [] }, coldStart: true });
    const [observation] = conformance.observations('Warm');
    expect(observation?.env).toEqual({
      handler: fn.handler,
      functionName: fn.functionName,
      memory: '256',
      taskRoot: fn.assetDir,
      custom: 'custom-Warm',
    });
    expect(observation?.execArgv).toContain('--max-old-space-size=256');
    expect(observation?.heapLimitMb).toBeGreaterThanOrEqual(256);
    expect(observation?.heapLimitMb).toBeLessThan(512);
    expect(observation?.functionName).toBe(fn.functionName);
    expect(observation?.memoryLimitInMB).toBe('256');
    expect(observation?.invokedFunctionArn).toBe(
      `arn:aws:lambda:us-east-1:123456789012:function:${fn.functionName}`,
    );
    expect(observation?.requestId).toBe(result.requestId);
    expect(observation?.remainingMs).toBeGreaterThan(8_000);
    expect(observation?.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('keeps module state between invocations of a warm environment', async () => {
    // Act
    const first = await runtime.invoke(conformance.fn('Warm').functionName, directEvent([{ id: 'a' }]));
    const second = await runtime.invoke(conformance.fn('Warm').functionName, directEvent([{ id: 'b' }]));

    // Assess
    const [, a, b] = conformance.observations('Warm');
    expect(first.coldStart).toBe(false);
    expect(second.coldStart).toBe(false);
    expect(a?.pid).toBe(b?.pid);
    expect([a?.invocation, b?.invocation]).toEqual([2, 3]);
  });

  it('kills a handler that runs past its timeout and fails the invocation', async () => {
    // Prepare
    const name = conformance.fn('Timeout').functionName;
    const started = Date.now();

    // Act
    // A 30 s sleep against a 1 s timeout: cut well before 30 s even when a loaded machine spends seconds
    // starting the process (init has its own 10 s limit).
    const slow = await runtime.invoke(name, directEvent([{ id: 'slow', cmd: { sleepMs: 30_000 } }]));
    const elapsed = Date.now() - started;
    const next = await runtime.invoke(name, directEvent([{ id: 'quick' }]));

    // Assess
    expect(slow).toMatchObject({
      ok: false,
      kind: 'timeout',
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(15_000);
    const [killed, fresh] = conformance.observations('Timeout');
    expect(isAlive(killed?.pid ?? 0)).toBe(false);
    expect(next).toMatchObject({ ok: true, coldStart: true });
    expect(fresh?.pid).not.toBe(killed?.pid);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'invocation timed out; process killed' }));
  });

  it('restarts a crashed environment with a cold start, logged as such', async () => {
    // Prepare
    const name = conformance.fn('Crash').functionName;
    const record: TestRecord = { id: 'boom', cmd: { crashOnce: true } };

    // Act
    const crashed = await runtime.invoke(name, directEvent([record]));
    const retried = await runtime.invoke(name, directEvent([record]));

    // Assess
    expect(crashed).toMatchObject({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError' } });
    expect(crashed.ok ? '' : crashed.error.errorMessage).toContain('exit status 1');
    expect(retried).toMatchObject({ ok: true, coldStart: true });
    const [first, second] = conformance.observations('Crash');
    expect(second?.pid).not.toBe(first?.pid);
    expect(second?.invocation).toBe(1);
    await vi.waitFor(() =>
      expect(logs).toContainEqual(
        expect.objectContaining({
          message: 'cold start',
          functionName: name,
          after: 'crash (exit status 1)',
        }),
      ),
    );
  });

  it('loads a handler bundled as an ES module', async () => {
    // Act
    const result = await runtime.invoke(conformance.fn('Esm').functionName, directEvent([{ id: 'esm' }]));

    // Assess
    expect(conformance.fn('Esm').handler).toBe('index.handler');
    expect(result).toMatchObject({ ok: true, payload: { batchItemFailures: [] } });
    expect(conformance.seen('Esm')).toEqual(['esm']);
  });

  it('fails every invocation of a function whose module throws while loading, retrying the init each time', async () => {
    // Act
    const name = conformance.fn('InitError').functionName;
    const first = await runtime.invoke(name, directEvent([{ id: 'i1' }]));
    const second = await runtime.invoke(name, directEvent([{ id: 'i2' }]));

    // Assess
    for (const result of [first, second]) {
      expect(result).toMatchObject({
        ok: false,
        kind: 'init',
        coldStart: true,
        error: { errorType: 'Error', errorMessage: 'init failed on purpose' },
      });
    }
    expect(conformance.observations('InitError')).toEqual([]);
    expect(logs.filter((line) => line.message === 'init failed' && line.functionName === name)).toHaveLength(
      2,
    );
  });
});
