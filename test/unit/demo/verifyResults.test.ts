import { describe, expect, it } from 'vitest';
import { aggregateId, Tally } from '../../../local/demo/Tally';
import { verifyResults } from '../../../local/demo/verifyResults';
import { WorkloadGenerator } from '../../../local/demo/WorkloadGenerator';
import { click, order, perfectObserved, pipeline, session, T0 } from './factories';

const poisonLetters = { 'click-not-json': 2, 'product-schema': 1 } as const;

function tallyOf(count: number, poison = 0): Tally {
  let now = T0;
  const generator = new WorkloadGenerator({
    seed: 3,
    runTag: 'tag1',
    poison,
    totalEvents: count,
    clock: () => now++,
  });
  const tally = new Tally(pipeline);
  for (let i = 0; i < count; i++) tally.record(generator.next());
  return tally;
}

function verify(tally: Tally, observed = perfectObserved(tally.expectation)) {
  return verifyResults({
    pipeline,
    expectation: tally.expectation,
    observed,
    now: T0 + 60_000,
    runTag: 'tag1',
    poisonLetters,
  });
}

describe('Tally', () => {
  it('counts clicks per counter key, sums quantities per leaderboard member and collects distinct users', () => {
    // Prepare
    const tally = new Tally(pipeline);
    // Act
    tally.record(click({ userId: 'u1' }));
    tally.record(click({ userId: 'u1', productId: 'p1', quantity: 3 }));
    tally.record(click({ userId: 'u2', productId: 'p1', quantity: 2, ts: T0 + 3_600_000 }));
    // Assess
    const e = tally.expectation;
    expect(e.counters).toEqual(
      new Map([
        ['views:home-t:2026112609', 2],
        ['views:home-t:2026112610', 1],
      ]),
    );
    expect(e.leaderboards.get('top-products:20261126')?.get('p1')).toEqual({ score: 5, events: 2 });
    expect(e.uniques.get('visitors:home-t:20261126')?.elements).toEqual(new Set(['u1', 'u2']));
    expect(e.aggregates.get(aggregateId('page#home-t', '2026-11-26T09'))).toMatchObject({
      views: 2,
      quantity: 3,
    });
  });

  it('keeps the last session write, marks ended sessions, and merges order fields forward', () => {
    // Prepare
    const tally = new Tally(pipeline);
    // Act
    tally.record(session());
    tally.record(session({ action: 'update', seq: 2 }));
    tally.record(session({ sessionId: 't-s2' }));
    tally.record(session({ sessionId: 't-s2', action: 'end' }));
    tally.record(order({ amount: 12.5 }));
    tally.record(order({ version: 2, status: 'paid', eventId: 't-o1-v2' }));
    // Assess
    const e = tally.expectation;
    expect(e.sessions.get('t-s1')).toMatchObject({ key: 'session:t-s1', seq: 2, deleted: false, events: 2 });
    expect(e.sessions.get('t-s2')).toMatchObject({ deleted: true, events: 2 });
    expect(e.orders.get('t-o1')).toMatchObject({ version: 2, status: 'paid', amount: 12.5, events: 2 });
  });
});

describe('verifyResults', () => {
  it('accounts every event as applied or dead-lettered when the sinks hold exactly the tally', () => {
    // Prepare
    const tally = tallyOf(3000, 24);
    // Act
    const result = verify(tally);
    // Assess
    expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, deadLettered: 24 });
    expect(result.applied + result.deadLettered).toBe(3000);
    expect(result.deadLetters).toMatchObject({ messages: 36, unexpected: 0 });
  });

  it('counts a counter below the tally as lost and above it as double-applied', () => {
    // Prepare
    const tally = tallyOf(1000);
    const observed = perfectObserved(tally.expectation);
    const [low, high] = [...tally.expectation.counters.keys()];
    observed.counters.set(low as string, (observed.counters.get(low as string) ?? 0) - 2);
    observed.counters.set(high as string, (observed.counters.get(high as string) ?? 0) + 1);
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.lost).toBe(2);
    expect(result.doubleApplied).toBe(1);
    expect(result.applied).toBe(998);
    const counter = result.checks.find((c) => c.effect === 'redis:page-views');
    expect(counter?.examples.join('\n')).toMatch(/missing 2: views:/);
  });

  it('counts a reading stored twice in the time series as double-applied and a missing one as lost', () => {
    // Prepare
    const tally = tallyOf(1000);
    const observed = perfectObserved(tally.expectation);
    const [pk, ts] = [...observed.series][0] as [string, number[]];
    observed.series.set(pk, [...ts.slice(1), ts[2] as number]);
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.lost).toBe(1);
    expect(result.doubleApplied).toBe(1);
  });

  it('counts one lost click once even though it misses from several mappings', () => {
    // Prepare
    const tally = tallyOf(1000);
    const observed = perfectObserved(tally.expectation);
    const [key] = [...tally.expectation.counters.keys()];
    observed.counters.set(key as string, (observed.counters.get(key as string) ?? 0) - 1);
    const [id, item] = [...observed.aggregates][0] as [string, Record<string, number>];
    observed.aggregates.set(id, { ...item, views: (item.views ?? 0) - 1 });
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.lost).toBe(1);
  });

  it('treats a unique count within the HLL error bound as applied and far below it as lost', () => {
    // Prepare
    const tally = tallyOf(2000);
    const observed = perfectObserved(tally.expectation);
    const [first, second] = [...observed.uniques.keys()] as [string, string];
    observed.uniques.set(first, (observed.uniques.get(first) ?? 0) + 1);
    observed.uniques.set(second, 0);
    // Act
    const result = verify(tally, observed);
    // Assess
    const unique = result.checks.find((c) => c.effect === 'redis:unique-visitors');
    expect(unique?.mismatched).toBe(0);
    expect(unique?.lost).toBe(tally.expectation.uniques.get(second)?.elements.size);
  });

  it('reports poison missing from the dead-letter queues as lost and a partial dead-lettering as a mismatch', () => {
    // Prepare
    const tally = tallyOf(1000, 4);
    const observed = perfectObserved(tally.expectation, {
      'click-not-json': ['kafka-to-redis'],
      'product-schema': [],
    });
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.deadLettered).toBe(2);
    expect(result.lost).toBe(2);
    expect(result.mismatched).toBe(2);
    expect(result.applied + result.deadLettered + result.lost).toBe(1000);
  });

  it('flags a valid event found in a dead-letter queue', () => {
    // Prepare
    const tally = tallyOf(200);
    const observed = perfectObserved(tally.expectation);
    observed.deadLetters.push({
      queueUrl: 'q',
      messageId: 'm',
      body: JSON.stringify({ reason: 'boom', payload: { page: 'home-tag1' } }),
      reason: 'boom',
      errorType: 'WrongType',
    });
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.deadLetters.unexpected).toBe(1);
    expect(result.mismatched).toBe(1);
  });

  it('reports a stale order state as lost events and a wrong status, a missing TTL, or an unmasked field as mismatches', () => {
    // Prepare
    const tally = new Tally(pipeline);
    tally.record(session());
    tally.record(order({ amount: 9 }));
    tally.record(order({ version: 2, status: 'paid', eventId: 't-o1-v2' }));
    tally.record(order({ orderId: 't-o2', eventId: 't-o2-v1', amount: 3 }));
    const observed = perfectObserved(tally.expectation);
    observed.orders.set('t-o1', { orderId: 't-o1', version: 1, status: 'created', amount: 9 });
    observed.orders.set('t-o2', { orderId: 't-o2', version: 1, status: 'paid', amount: 3 });
    observed.sessions.set('t-s1', {
      exists: true,
      fields: { seq: '1', ipAddress: '10.0.0.1' },
      ttlSeconds: -1,
    });
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.lost).toBe(1);
    expect(result.mismatched).toBe(3);
  });
});
