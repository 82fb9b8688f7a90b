import { describe, expect, it } from 'vitest';
import { demoSummary } from '../../../local/demo/demoSummary';
import { summaryText } from '../../../local/demo/summaryText';
import { aggregateId, Tally } from '../../../local/demo/Tally';
import type { TelemetryEvent } from '../../../local/demo/types';
import { type Verification, verifyResults } from '../../../local/demo/verifyResults';
import { WorkloadGenerator } from '../../../local/demo/WorkloadGenerator';
import { cappedStream, click, order, perfectObserved, pipeline, session, T0 } from './factories';

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

/** The printed summary of a verification (what the user reads at the end of a run). */
function printed(tally: Tally, verification: Verification): string {
  const latencyMs = { samples: 0, timeouts: 0, p50: null, p95: null, p99: null, max: null };
  const run = {
    runTag: 'tag1',
    seed: 3,
    durationMs: 1_000,
    eventsByKind: tally.expectation.counts,
    latencyMs,
  };
  return summaryText(demoSummary(run, verification)).join('\n');
}

/** `count` readings of one device, 1 s apart from T0. */
function readings(count: number, deviceId = 'dev-tag1-01'): TelemetryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'telemetry',
    deviceId,
    ts: T0 + i * 1_000,
    temperature: 20,
    humidity: 50,
    battery: 90,
  }));
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

  it("counts a HyperLogLog that lacks expected elements as lost, whatever Redis's estimate, and one holding others as mismatched", () => {
    // Prepare: the first key's estimate is 3 low but holds every element (Redis's error, as a 59 read as 56);
    // the second lacks some (adding them back raises its estimate by 4); the third holds strangers.
    const tally = tallyOf(2000);
    const observed = perfectObserved(tally.expectation);
    const [first, second, third] = [...observed.uniques.keys()] as [string, string, string];
    const size = (key: string) => tally.expectation.uniques.get(key)?.elements.size ?? 0;
    observed.uniques.set(first, {
      count: size(first) - 3,
      missingSome: false,
      countWithExpected: size(first) - 3,
      expectedCount: size(first) - 3,
    });
    observed.uniques.set(second, {
      count: size(second) - 4,
      missingSome: true,
      countWithExpected: size(second),
      expectedCount: size(second),
    });
    observed.uniques.set(third, {
      count: size(third) + 2,
      missingSome: false,
      countWithExpected: size(third) + 2,
      expectedCount: size(third),
    });
    // Act
    const result = verify(tally, observed);
    // Assess
    const unique = result.checks.find((c) => c.effect === 'redis:unique-visitors');
    expect(unique?.lost).toBe(4);
    expect(unique?.mismatched).toBe(1);
    expect(unique?.examples.join('\n')).toContain(second);
    expect(unique?.examples.join('\n')).toContain(third);
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

  describe('blind spots', () => {
    it('fails a run with zero events, with the reason in the summary', () => {
      // Prepare
      const tally = new Tally(pipeline);
      // Act
      const result = verify(tally);
      // Assess
      expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, ok: false });
      expect(result.failures).toEqual(['no events were generated, so nothing was verified']);
      expect(printed(tally, result)).toMatch(/RESULT: FAILED — no events were generated/);
    });

    it('counts products lost by two different sinks as two lost events', () => {
      // Prepare
      const tally = tallyOf(1000);
      const observed = perfectObserved(tally.expectation);
      const [first, second] = [...tally.expectation.products.values()];
      if (!first || !second) throw new Error('the workload has fewer than two products');
      observed.cache.set(first.productId, { ...observed.cache.get(first.productId), rev: first.rev - 1 });
      observed.replica.delete(second.productId);
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result.byKind.product.lost).toBe(1 + second.rev);
      expect(result.lost).toBe(1 + second.rev);
      expect(result.byKind.product.applied).toBe(tally.expectation.counts.product - 1 - second.rev);
      expect(printed(tally, result)).toContain(
        `lost            ${1 + second.rev} (product ${1 + second.rev})`,
      );
    });

    it('counts clicks a counter and an aggregate miss on different pages as two lost events', () => {
      // Prepare
      const tally = tallyOf(1000);
      const observed = perfectObserved(tally.expectation);
      const [counterKey] = [...tally.expectation.counters.keys()] as [string];
      const otherPage = [...observed.aggregates.keys()].find(
        (id) => !counterKey.includes(id.split('#')[1]?.split('\u0000')[0] ?? '?'),
      );
      if (!otherPage) throw new Error('the workload has a single page');
      observed.counters.set(counterKey, (observed.counters.get(counterKey) ?? 0) - 1);
      const item = observed.aggregates.get(otherPage) as Record<string, number>;
      observed.aggregates.set(otherPage, { ...item, views: (item.views ?? 0) - 1 });
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result.byKind.click.lost).toBe(2);
      expect(result.lost).toBe(2);
    });

    it('counts a reading missing from the stream and another missing from the time series as two', () => {
      // Prepare
      const tally = new Tally(pipeline);
      const events = readings(50);
      for (const event of events) tally.record(event);
      const observed = perfectObserved(tally.expectation);
      const [streamKey, stream] = [...tally.expectation.streams][0] ?? [];
      const [pk, series] = [...tally.expectation.series][0] ?? [];
      if (!streamKey || !stream || !pk || !series) throw new Error('no telemetry in the tally');
      observed.streams.set(streamKey, cappedStream(stream.ts.filter((ts) => ts !== events[10]?.ts)));
      observed.series.set(
        pk,
        series.ts.filter((ts) => ts !== events[20]?.ts),
      );
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result.checks.filter((c) => c.lost > 0).map((c) => [c.effect, c.lost])).toEqual([
        ['redis:device-latest', 1],
        ['dynamodb:telemetry-series', 1],
      ]);
      expect(result.byKind.telemetry).toMatchObject({ lost: 2, applied: 48 });
      expect(printed(tally, result)).toContain('lost            2 (telemetry 2)');
    });

    it('counts a session absent near its TTL as expired, not applied nor lost, and verifies one still there', () => {
      // Prepare
      const ttlMs = (pipeline.redis.session.ttlSeconds ?? 0) * 1000;
      const tally = new Tally(pipeline);
      tally.record(session({ sessionId: 't-old', ts: T0 + 60_000 - ttlMs }));
      tally.record(
        session({ sessionId: 't-old', action: 'update', seq: 2, ts: T0 + 60_000 - ttlMs + 5_000 }),
      );
      tally.record(session({ sessionId: 't-kept', ts: T0 + 60_000 - ttlMs }));
      tally.record(session({ sessionId: 't-new' }));
      const observed = perfectObserved(tally.expectation);
      observed.sessions.set('t-old', { exists: false, fields: {}, ttlSeconds: -2 });
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result.byKind.session).toMatchObject({
        events: 4,
        applied: 2,
        expired: 2,
        unverified: 0,
        lost: 0,
      });
      expect(result).toMatchObject({ applied: 2, expired: 2, unverified: 0, ok: true });
      const text = printed(tally, result);
      expect(text).toContain('expired (TTL)   2 (session 2)');
      expect(text).toMatch(/\? redis:sessions .* expired 2/);
      expect(text).toMatch(/RESULT: OK .*\(2 expired by TTL first\)/);
    });

    it('fails a run whose every event expired before it was verified', () => {
      // Prepare
      const ttlMs = (pipeline.redis.session.ttlSeconds ?? 0) * 1000;
      const tally = new Tally(pipeline);
      tally.record(session({ ts: T0 - ttlMs }));
      const observed = perfectObserved(tally.expectation);
      observed.sessions.set('t-s1', { exists: false, fields: {}, ttlSeconds: -2 });
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result).toMatchObject({ applied: 0, expired: 1, unverified: 0, ok: false });
      expect(result.failures).toEqual(['none of the 1 events could be verified']);
    });

    it('reports readings and orders past the item TTL as expired, apart from the lost ones', () => {
      // Prepare: at T0 + 60 s with a 40 s item TTL (less the expiry margin) readings T0 .. T0 + 30 s and the T0 order have expired
      const tally = new Tally(pipeline);
      for (const reading of readings(50)) tally.record(reading);
      tally.record(order({ orderId: 't-old', ts: T0 }));
      tally.record(order({ orderId: 't-new', ts: T0 + 59_000 }));
      const observed = perfectObserved(tally.expectation);
      const pk = [...tally.expectation.series.keys()][0] as string;
      const kept = (observed.series.get(pk) ?? []).filter((ts) => ts > T0 + 30_000);
      (observed.series as Map<string, readonly number[]>).set(pk, kept.slice(1));
      (observed.orders as Map<string, unknown>).set('t-old', null);
      // Act
      const result = verifyResults({
        pipeline,
        expectation: tally.expectation,
        observed,
        now: T0 + 60_000,
        itemTtlSeconds: 40,
        runTag: 'tag1',
        poisonLetters,
      });
      // Assess: 31 readings expired, the first one after them missing (lost), the rest applied
      const series = result.checks.find((c) => c.effect === 'dynamodb:telemetry-series');
      expect(series).toMatchObject({ expected: 50, expired: 31, lost: 1 });
      expect(result.byKind.telemetry).toMatchObject({ events: 50, expired: 31, lost: 1, applied: 18 });
      expect(result.byKind.order).toMatchObject({ events: 2, expired: 1, lost: 0, applied: 1 });
      expect(result).toMatchObject({ expired: 32, lost: 1, ok: false });
      expect(printed(tally, result)).toContain('expired (TTL)   32 (telemetry 31 · order 1)');
    });

    it('expires nothing without an item TTL', () => {
      // Prepare
      const tally = new Tally(pipeline);
      for (const reading of readings(5)) tally.record(reading);
      const observed = perfectObserved(tally.expectation);
      (observed.series as Map<string, readonly number[]>).clear();
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result).toMatchObject({ expired: 0, lost: 5, ok: false });
    });

    it('catches a reading appended twice to a stream long past its cap, and one never appended', () => {
      // Prepare: 3 000 readings into a stream capped at 1 000; reading 500 again after reading 2 000
      const cap = pipeline.redis.stream.maxLength;
      const tally = new Tally(pipeline);
      const events = readings(3 * cap);
      for (const event of events) tally.record(event);
      const ts = events.map((e) => e.ts);
      const duplicated = [...ts.slice(0, 2000), ts[500] as number, ...ts.slice(2000)];
      const lostOne = ts.filter((_, i) => i !== 1500);
      const [key] = [...tally.expectation.streams.keys()] as [string];
      const duplicate = perfectObserved(tally.expectation);
      duplicate.streams.set(key, cappedStream(duplicated));
      const loss = perfectObserved(tally.expectation);
      loss.streams.set(key, cappedStream(lostOne));
      // Act
      const twice = verify(tally, duplicate);
      const missing = verify(tally, loss);
      // Assess: the stream holds 1 000 entries either way, far fewer than the 3 000 readings
      expect(duplicate.streams.get(key)?.length).toBe(cap);
      expect(twice).toMatchObject({ doubleApplied: 1, lost: 0, unverified: 0, ok: false });
      expect(printed(tally, twice)).toMatch(/double-applied {2}1 \(telemetry 1\)/);
      expect(missing).toMatchObject({ doubleApplied: 0, lost: 1, unverified: 0, ok: false });
    });

    it('reports readings trimmed before any pass read them as unverified, and a surplus of them as repeats', () => {
      // Prepare: passes too rare for the cap (every 1 500 appends with a cap of 1 000)
      const tally = new Tally(pipeline);
      const events = readings(3000);
      for (const event of events) tally.record(event);
      const ts = events.map((e) => e.ts);
      const [key] = [...tally.expectation.streams.keys()] as [string];
      const rare = perfectObserved(tally.expectation);
      rare.streams.set(key, cappedStream(ts, { readEvery: 1500 }));
      const rareWithRepeat = perfectObserved(tally.expectation);
      rareWithRepeat.streams.set(
        key,
        cappedStream([...ts.slice(0, 100), ts[10] as number, ...ts.slice(100)], { readEvery: 1500 }),
      );
      // Act
      const unread = verify(tally, rare);
      const repeated = verify(tally, rareWithRepeat);
      // Assess: readings 0..499 and 1 500..1 999 were trimmed before a pass saw them
      expect(unread).toMatchObject({ lost: 0, unverified: 1000, doubleApplied: 0, applied: 2000, ok: true });
      // The repeat takes one of the slots trimmed unseen: 999 readings and the repeat were never read.
      expect(repeated).toMatchObject({ lost: 0, unverified: 999, doubleApplied: 1, ok: false });
    });

    it('counts readings missing beyond what the unread entries explain as lost, the others as unverified', () => {
      // Prepare: passes every 1 500 appends with a cap of 1 000, and reading 1 700 never appended
      const tally = new Tally(pipeline);
      const events = readings(3000);
      for (const event of events) tally.record(event);
      const [key] = [...tally.expectation.streams.keys()] as [string];
      const observed = perfectObserved(tally.expectation);
      const appended = events.map((e) => e.ts).filter((_, i) => i !== 1700);
      observed.streams.set(key, cappedStream(appended, { readEvery: 1500 }));
      // Act
      const result = verify(tally, observed);
      // Assess: 1 000 readings unseen, 999 entries added unseen: one of them is lost
      expect(result).toMatchObject({ lost: 1, unverified: 999, applied: 2000, ok: false });
      expect(result.checks.find((c) => c.effect === 'redis:device-latest')).toMatchObject({
        lost: 1,
        unverified: 999,
      });
    });

    it('counts a stream entry deleted below the cap as lost', () => {
      // Prepare
      const tally = new Tally(pipeline);
      for (const event of readings(20)) tally.record(event);
      const observed = perfectObserved(tally.expectation);
      const [key, stream] = [...observed.streams][0] ?? [];
      if (!key || !stream) throw new Error('no stream');
      observed.streams.set(key, {
        ...stream,
        length: stream.length - 1,
        entries: stream.entries.map((e, i) => (i === 7 ? { ...e, present: false } : e)),
      });
      // Act
      const result = verify(tally, observed);
      // Assess
      expect(result).toMatchObject({ lost: 1, unverified: 0 });
    });
  });
});
