import { describe, expect, it } from 'vitest';
import { HISTORY_SAMPLE_SIZE } from '../../../local/demo/constants';
import { historySample, orderHistoryCheck } from '../../../local/demo/orderHistoryCheck';
import { Tally } from '../../../local/demo/Tally';
import { verifyResults } from '../../../local/demo/verifyResults';
import { historyOf, order, perfectObserved, pipeline, T0 } from './factories';

/** Orders o1..o<count>, each created, paid and shipped a second apart. */
function tallyOf(count: number): Tally {
  const tally = new Tally(pipeline);
  for (let n = 1; n <= count; n++) {
    const orderId = `t-o${n}`;
    tally.record(order({ orderId, eventId: `${orderId}-v1`, amount: 10 * n, customerId: 'u1', ts: T0 + n }));
    tally.record(
      order({
        orderId,
        version: 2,
        eventId: `${orderId}-v2`,
        status: 'paid',
        actor: 'payments',
        ts: T0 + n + 1_000,
      }),
    );
    tally.record(
      order({
        orderId,
        version: 3,
        eventId: `${orderId}-v3`,
        status: 'shipped',
        actor: 'warehouse',
        ts: T0 + n + 2_000,
      }),
    );
  }
  return tally;
}

function check(tally: Tally, observed = perfectObserved(tally.expectation)) {
  return orderHistoryCheck({ pipeline, expectation: tally.expectation, observed });
}

describe('orderHistoryCheck', () => {
  it('finds nothing when each history folds to the events at every version and time', () => {
    // Act
    const findings = check(tallyOf(3));
    // Assess
    expect(findings).toEqual({ expected: 9, missing: [], differences: [] });
  });

  it('samples an even spread of at most the sample size', () => {
    // Act
    const sample = historySample(tallyOf(HISTORY_SAMPLE_SIZE * 2).expectation);
    // Assess
    expect(sample).toHaveLength(HISTORY_SAMPLE_SIZE);
    expect(new Set(sample).size).toBe(HISTORY_SAMPLE_SIZE);
  });

  it('names a missing version as lost events, in the verifier’s accounting', () => {
    // Prepare
    const tally = tallyOf(2);
    const observed = perfectObserved(tally.expectation);
    const events = tally.expectation.orderEvents.get('t-o2') ?? [];
    observed.orderHistories = new Map([
      ...(observed.orderHistories ?? []),
      ['t-o2', historyOf(events).slice(0, 1)],
    ]);
    // Act
    const findings = check(tally, observed);
    const verification = verifyResults({
      pipeline,
      expectation: tally.expectation,
      observed,
      now: T0,
      runTag: 't',
    });
    // Assess
    expect(findings?.missing.map((m) => m.ids)).toEqual([['t-o2#2', 't-o2#3']]);
    expect(verification.byKind.order.lost).toBe(2);
    expect(verification.checks.find((c) => c.effect.endsWith(':history'))?.lost).toBe(2);
  });

  it('reports a state that folds differently, and a change made by someone else, as mismatches', () => {
    // Prepare
    const tally = tallyOf(2);
    const observed = perfectObserved(tally.expectation);
    const one = historyOf(tally.expectation.orderEvents.get('t-o1') ?? []);
    const two = historyOf(tally.expectation.orderEvents.get('t-o2') ?? []);
    observed.orderHistories = new Map([
      ['t-o1', one.map((e) => (e.version === 2 ? { ...e, change: { ...e.change, status: 'refunded' } } : e))],
      ['t-o2', two.map((e) => (e.version === 3 ? { ...e, actor: 'intruder' } : e))],
    ]);
    // Act
    const findings = check(tally, observed);
    // Assess
    expect(findings?.missing).toEqual([]);
    expect(findings?.differences).toHaveLength(2);
    expect(findings?.differences[0]).toMatch(/^t-o1 as of v2: .*"refunded".*expected .*"paid"/);
    expect(findings?.differences[1]).toMatch(/^t-o2 v3: made by intruder/);
  });

  it('reports a version no event made as a mismatch', () => {
    // Prepare
    const tally = tallyOf(1);
    const observed = perfectObserved(tally.expectation);
    const history = historyOf(tally.expectation.orderEvents.get('t-o1') ?? []);
    observed.orderHistories = new Map([
      ['t-o1', [...history, { ...(history[2] as (typeof history)[number]), version: 4 }]],
    ]);
    // Act
    const findings = check(tally, observed);
    // Assess
    expect(findings?.differences).toEqual(['t-o1: history has versions no event made (4)']);
  });
});
