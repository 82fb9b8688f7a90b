/**
 * The soak's short version (`SOAK_PLANS.short`): the default app on private servers at a steady rate for a
 * few minutes with one crash, one stall and one function kill from the seeded schedule, item TTLs short
 * enough to expire during the run. Nothing lost, applied twice or mismatched; the items that outlived their
 * TTL are reported as expired, not lost; the TTL deletes reached Kafka as `ttlExpired` envelopes.
 */
import { describe, expect, it } from 'vitest';
import { SOAK_PLANS } from '../../../bench/soak/constants';
import { runSoak } from '../../../bench/soak/runSoak';

const MINUTE = 60_000;

describe('soak, short version', () => {
  it(
    'survives one crash, one stall and one function kill exactly once, and counts TTL expiry apart from loss',
    async () => {
      // Act
      const result = await runSoak({
        plan: SOAK_PLANS.short,
        rate: 20,
        rateSource: 'test',
        seed: 11,
        log: () => undefined,
      });
      // Assess
      expect(result.faults.map((f) => f.error ?? f.kind.split(':')[0]).sort()).toEqual([
        'crash',
        'kill',
        'stall',
      ]);
      expect(result.failures).toEqual([]);
      expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, ok: true });
      expect(result.events).toBeGreaterThan(0);
      expect(result.expired).toBeGreaterThan(0);
      expect(result.applied + result.deadLettered + result.expired + result.unverified).toBe(result.events);
      expect(result.ttlExpiredEnvelopes.total).toBeGreaterThan(0);
      for (const rss of Object.values(result.rssMiB)) expect(rss.endMiB).toBeGreaterThan(0);
    },
    12 * MINUTE,
  );
});
