import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { watermarkAttribute } from '../../../lambdas/kafka-to-dynamodb/AggregateWriter';
import { changeSortKey, defaultSortKey } from '../../../lambdas/kafka-to-dynamodb/TimeSeriesWriter';
import { paddedSequence } from '../../../lambdas/kafka-to-dynamodb/UpsertWriter';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('keys whose string order must be numeric order', () => {
  it('orders default time-series sort keys by event time, then offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.nat(),
        fc.nat(),
        (t1, t2, o1, o2) => {
          // Act
          const a = defaultSortKey(t1, 0, o1);
          const b = defaultSortKey(t2, 0, o2);

          // Assess
          const expected = t1 !== t2 ? Math.sign(t1 - t2) : Math.sign(o1 - o2);
          expect(compare(a, b)).toBe(expected);
        },
      ),
    );
  });

  it('keys a change by its source event id, whatever offset a re-produced copy has', () => {
    expect(changeSortKey(Date.UTC(2026, 10, 26, 8), 'e-1')).toBe('2026-11-26T08:00:00.000Z#e-1');
  });

  it('writes the default sort key as ISO time, partition and a 20-digit offset', () => {
    // Act / Assess
    expect(defaultSortKey(1_764_144_000_123, 3, 42)).toBe('2025-11-26T08:00:00.123Z#3#00000000000000000042');
  });

  it('orders padded sequence numbers (up to 40 digits) numerically', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 40n - 1n }),
        fc.bigInt({ min: 0n, max: 10n ** 40n - 1n }),
        (a, b) => {
          // Act
          const order = compare(paddedSequence(a.toString()), paddedSequence(b.toString()));

          // Assess
          expect(order).toBe(a === b ? 0 : a < b ? -1 : 1);
        },
      ),
    );
  });

  it.each(['', '12a', '-5', '1'.repeat(41)])('refuses %j as a sequence number', (bad) => {
    // Act / Assess
    expect(() => paddedSequence(bad)).toThrow(/decimal string of at most 40 digits/);
  });

  it('names the watermark attribute per mapping, topic and partition', () => {
    // Act / Assess
    expect(watermarkAttribute('page-views', 'clickstream', 4)).toBe('sb_wm#page-views#clickstream#4');
  });
});
