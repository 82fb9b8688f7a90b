import { describe, expect, it } from 'vitest';
import {
  formatOffsetRanges,
  inOffsetRanges,
  parseOffsetRanges,
} from '../../../lambdas/core/sink/offsetRanges';
import { compactRuns, runsExcluding } from '../../../lambdas/kafka-to-dynamodb/coveredRuns';

/** The aggregate mode's ledger of covered offset runs (pure range logic). */
describe('covered runs', () => {
  it('covers a batch range minus its poison offsets', () => {
    expect(runsExcluding(10, 14, [12])).toEqual([
      { first: 10, last: 11 },
      { first: 13, last: 14 },
    ]);
    expect(runsExcluding(10, 14, [10, 14, 99, 10])).toEqual([{ first: 11, last: 13 }]);
    expect(runsExcluding(5, 5, [5])).toEqual([]);
    expect(runsExcluding(0, 4, [])).toEqual([{ first: 0, last: 4 }]);
  });

  it('reads back what it writes and ignores unreadable members', () => {
    const runs = [
      { first: 0, last: 4 },
      { first: 10, last: 10 },
    ];
    expect(parseOffsetRanges([...formatOffsetRanges(runs), 'x-1', '7'])).toEqual(runs);
  });

  it('tells covered offsets from the gaps between runs', () => {
    const runs = parseOffsetRanges(['0-4', '10-14']);
    expect([0, 4, 5, 9, 10, 14, 15].map((o) => inOffsetRanges(runs, o))).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
  });

  it('merges adjacent and overlapping runs, and past the cap drops the oldest and raises the floor', () => {
    const runs = parseOffsetRanges(['10-14', '0-4', '5-9', '12-20', '30-31', '40-41']);
    expect(compactRuns(runs, -1, 10)).toEqual({
      runs: [
        { first: 0, last: 20 },
        { first: 30, last: 31 },
        { first: 40, last: 41 },
      ],
      floor: -1,
    });
    expect(compactRuns(runs, -1, 1)).toEqual({ runs: [{ first: 40, last: 41 }], floor: 31 });
    expect(compactRuns([], 7, 1)).toEqual({ runs: [], floor: 7 });
  });
});
