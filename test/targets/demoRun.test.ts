/**
 * One short demo run on the `localstack` target: the default app deployed on a private set of servers
 * (LocalStack for its SQS queues and Kinesis streams, moto for its tables and streams, its own Kafka and
 * redis-server), driven with generated events and poison records, verified exactly once against the tally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo/runDemo';
import config from '../../streambridge.config';
import { type PrivatePipeline, startPrivatePipeline } from '../integration/demo/privatePipeline';

const MINUTE = 60_000;
let pipeline: PrivatePipeline;

describe('streambridge local --demo on the localstack target', () => {
  beforeAll(async () => {
    pipeline = await startPrivatePipeline();
  }, 15 * MINUTE);

  afterAll(async () => {
    await pipeline?.stop();
  }, 3 * MINUTE);

  it(
    'applies 1 000 events exactly once with queues and streams on LocalStack, dead-lettering the poison ones',
    async () => {
      // Prepare
      const health = await fetch(`${pipeline.endpoints.sqs}/_localstack/health`);

      // Act
      const summary = await runDemo({
        config,
        deployment: pipeline.pipeline.deployment,
        endpoints: pipeline.endpoints,
        seed: 17,
        events: 1_000,
        poison: 20,
        rate: 200,
        drainTimeoutMs: 4 * MINUTE,
        view: false,
        log: () => undefined,
      });

      // Assess
      expect(health.ok).toBe(true);
      expect(pipeline.endpoints.kinesis).toBe(pipeline.endpoints.sqs);
      expect(pipeline.endpoints.dynamodb).not.toBe(pipeline.endpoints.sqs);
      const failing = summary.checks.filter((c) => c.lost + c.doubleApplied + c.mismatched > 0);
      expect(failing, JSON.stringify(failing, null, 2)).toEqual([]);
      expect(summary).toMatchObject({ events: 1_000, lost: 0, doubleApplied: 0, mismatched: 0, ok: true });
      expect(summary.applied + summary.deadLettered).toBe(summary.events);
      expect(summary.deadLettered).toBe(20);
      expect(summary.deadLetters.unexpected).toBe(0);
    },
    10 * MINUTE,
  );
});
