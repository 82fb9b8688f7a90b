/**
 * The demo end to end on a PRIVATE set of servers (own ports and state dir, see privatePipeline.ts): the
 * default app synthesized, deployed and running, driven with generated events and verified against the
 * independent tally. The fault tests crash the private Kafka broker and redis-server and SIGKILL a Lambda
 * process mid-batch; none of that can reach the shared servers other test files use. The tests of this
 * file run one after another on the same private pipeline; each run has its own run tag, so its keys and
 * dead letters are its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunDemoOptions, runDemo } from '../../../local/demo/runDemo';
import type { DemoSummary } from '../../../local/demo/types';
import config from '../../../streambridge.config';
import { type PrivatePipeline, startPrivatePipeline } from './privatePipeline';

const MINUTE = 60_000;
let pipeline: PrivatePipeline;
/** The demo's own log lines of the last run (its drain outcome among them), shown when a check fails. */
let runLog: string[] = [];

function run(options: Partial<RunDemoOptions> & { seed: number }): Promise<DemoSummary> {
  runLog = [];
  return runDemo({
    config,
    deployment: pipeline.pipeline.deployment,
    endpoints: pipeline.endpoints,
    rate: 300,
    drainTimeoutMs: 4 * MINUTE,
    view: false,
    log: (line) => runLog.push(line),
    ...options,
  });
}

/** Resolves when `count` events were written (bounded: rejects after `ms`). */
function written(count: number, ms: number): { onProgress: (n: number) => void; reached: Promise<void> } {
  let resolve: () => void = () => undefined;
  const reached = new Promise<void>((ok, fail) => {
    resolve = ok;
    setTimeout(() => fail(new Error(`fewer than ${count} events written within ${ms} ms`)), ms).unref();
  });
  return { onProgress: (n) => n >= count && resolve(), reached };
}

function expectExactlyOnce(summary: DemoSummary): void {
  const failing = summary.checks.filter((c) => c.lost + c.doubleApplied + c.mismatched > 0);
  expect(failing, `${JSON.stringify(failing, null, 2)}\n${runLog.join('\n')}`).toEqual([]);
  expect(summary).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, ok: true });
  expect(summary.applied + summary.deadLettered).toBe(summary.events);
  // The clickstream's sessions, day counters and funnel: every session closed and compared, the known
  // journeys' too-late view dead-lettered with its reason (on a loaded machine the sink may also find views
  // sent in time later than the lateness: dead-lettered too, counted by the check, never lost).
  const sessions = summary.checks.find((c) => c.effect === 'dynamodb:clickstream-sessions');
  expect(sessions, JSON.stringify(sessions)).toMatchObject({ unverified: 0 });
  expect(sessions?.deadLettered).toBeGreaterThanOrEqual(1);
  expect(sessions?.expected).toBe(summary.eventsByKind.click);
}

describe('streambridge local --demo, end to end on private servers', () => {
  beforeAll(async () => {
    pipeline = await startPrivatePipeline();
  }, 15 * MINUTE);

  afterAll(async () => {
    await pipeline?.stop();
  }, 3 * MINUTE);

  it(
    'applies 10 000 generated events exactly once and matches the tally',
    async () => {
      // Act
      const summary = await run({ seed: 10_000, events: 10_000, rate: 500 });
      // Assess
      expectExactlyOnce(summary);
      expect(summary.events).toBe(10_000);
      expect(summary.applied).toBe(10_000);
      expect(Object.values(summary.eventsByKind).every((n, i) => i === 5 || n > 0)).toBe(true);
      expect(summary.latencyMs.samples).toBeGreaterThan(0);
      expect(summary.latencyMs.p50).not.toBeNull();
    },
    20 * MINUTE,
  );

  it(
    'loses nothing and applies nothing twice when the Kafka broker crashes and restarts mid-stream',
    async () => {
      // Prepare
      const progress = written(500, 5 * MINUTE);
      // Act
      const [summary] = await Promise.all([
        run({ seed: 21, events: 2_000, rate: 100, onProgress: progress.onProgress }),
        progress.reached.then(() => pipeline.crashAndRestart('kafka', 3_000)),
      ]);
      // Assess
      expectExactlyOnce(summary);
    },
    20 * MINUTE,
  );

  it(
    'loses nothing and applies nothing twice when redis-server crashes and restarts mid-stream',
    async () => {
      // Prepare
      const progress = written(500, 5 * MINUTE);
      // Act
      const [summary] = await Promise.all([
        run({ seed: 22, events: 2_000, rate: 100, onProgress: progress.onProgress }),
        progress.reached.then(() => pipeline.crashAndRestart('redis', 3_000)),
      ]);
      // Assess
      expectExactlyOnce(summary);
    },
    20 * MINUTE,
  );

  it(
    'loses nothing and applies nothing twice when a Lambda process is killed mid-batch',
    async () => {
      // Prepare
      const progress = written(300, 5 * MINUTE);
      const sinks = pipeline.pipeline.deployment.functions.map((fn) =>
        pipeline.pipeline.runtime.function(fn.logicalId),
      );
      let killedPid: number | undefined;
      const killBusyProcess = async () => {
        const deadline = Date.now() + 2 * MINUTE;
        while (killedPid === undefined && Date.now() < deadline) {
          const busy = sinks
            .flatMap((pool) => pool.environments)
            .find((env) => env.busy && env.pid !== undefined);
          if (busy?.pid !== undefined) {
            killedPid = busy.pid;
            process.kill(busy.pid, 'SIGKILL');
          } else await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      // Act
      const [summary] = await Promise.all([
        run({ seed: 23, events: 1_500, rate: 100, onProgress: progress.onProgress }),
        progress.reached.then(killBusyProcess),
      ]);
      // Assess
      expect(killedPid).toBeDefined();
      expectExactlyOnce(summary);
    },
    20 * MINUTE,
  );

  it(
    'dead-letters a burst of poison records with their reasons and keeps every other event exactly once',
    async () => {
      // Act
      const summary = await run({ seed: 24, events: 1_000, poison: 60, rate: 200 });
      // Assess
      expectExactlyOnce(summary);
      expect(summary.deadLettered).toBe(60);
      expect(summary.deadLetters.unexpected).toBe(0);
      expect(summary.deadLetters.reasons).toMatchObject({
        DecodeError: 60,
        SchemaViolation: 30,
        LateEvent: 1,
      });
    },
    20 * MINUTE,
  );
});
