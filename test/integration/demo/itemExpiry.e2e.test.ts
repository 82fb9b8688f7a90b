/**
 * A demo run stopped (as with Ctrl-C) after more than the item TTL, on private servers: the local moto
 * deletes the readings, order events and their sink copies past their TTL while the run goes on, and the
 * verifier reports those events as expired, apart from lost and applied; nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../../local/demo/runDemo';
import config from '../../../streambridge.config';
import { type PrivatePipeline, startPrivatePipeline } from './privatePipeline';

const MINUTE = 60_000;
const ITEM_TTL_SECONDS = 20;
let pipeline: PrivatePipeline;

describe('demo run longer than the item TTL', () => {
  beforeAll(async () => {
    pipeline = await startPrivatePipeline();
  }, 15 * MINUTE);

  afterAll(async () => {
    await pipeline?.stop();
  }, 3 * MINUTE);

  it(
    'reports the readings and orders that expired before the verification as expired, not lost',
    async () => {
      // Prepare: stop generating (the first Ctrl-C) well after the first items' TTL ran out
      const stop = new AbortController();
      let written = 0;
      // Act
      const summary = await runDemo({
        config,
        deployment: pipeline.pipeline.deployment,
        endpoints: pipeline.endpoints,
        seed: 31,
        rate: 20,
        itemTtlSeconds: ITEM_TTL_SECONDS,
        signal: stop.signal,
        drainTimeoutMs: 4 * MINUTE,
        view: false,
        log: () => undefined,
        onProgress: (n) => {
          written = n;
          if (n >= 20 * (3 * ITEM_TTL_SECONDS)) stop.abort();
        },
      });
      // Assess
      expect(written).toBeGreaterThan(0);
      expect(summary).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, ok: true });
      expect(summary.byKind.telemetry.expired).toBeGreaterThan(0);
      expect(summary.byKind.order.expired).toBeGreaterThan(0);
      const byEffect = Object.fromEntries(summary.checks.map((c) => [c.effect, c]));
      expect(byEffect['dynamodb:telemetry-series']?.expired).toBeGreaterThan(0);
      expect(byEffect['dynamodb:order-state']?.expired).toBeGreaterThan(0);
      expect(summary.applied + summary.deadLettered + summary.expired + summary.unverified).toBe(
        summary.events,
      );
    },
    15 * MINUTE,
  );
});
