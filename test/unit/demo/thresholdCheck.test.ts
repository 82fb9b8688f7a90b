import { describe, expect, it } from 'vitest';
import { evaluateSilence } from '../../../lambdas/kafka-to-redis/thresholds/evaluateThreshold';
import { demoSummary } from '../../../local/demo/demoSummary';
import { summaryText } from '../../../local/demo/summaryText';
import { Tally } from '../../../local/demo/Tally';
import { thresholdCheck } from '../../../local/demo/thresholdCheck';
import type { ObservedAlert, ReadingEvent } from '../../../local/demo/types';
import { verifyResults } from '../../../local/demo/verifyResults';
import { WorkloadGenerator } from '../../../local/demo/WorkloadGenerator';
import { perfectObserved, pipeline, sinkAlerts, T0, thresholdRule } from './factories';

const SECOND = 1_000;

/** The readings of a generated run, one event every 100 ms from T0. */
function generatedTally(count = 4_000): Tally {
  let now = T0;
  const generator = new WorkloadGenerator({ seed: 18, runTag: 'thr', clock: () => (now += 100) });
  const tally = new Tally(pipeline);
  for (let i = 0; i < count; i++) tally.record(generator.next());
  return tally;
}

function tallyOf(readings: readonly [number, number][], deviceId = 'sensor-thr-1'): Tally {
  const tally = new Tally(pipeline);
  for (const [at, temperature] of readings) {
    const event: ReadingEvent = { kind: 'reading', deviceId, ts: T0 + at, temperature };
    tally.record(event);
  }
  return tally;
}

/** Verified at T0 by default: no silence is due yet. */
function verify(tally: Tally, observed = perfectObserved(tally.expectation), now = T0) {
  return verifyResults({
    pipeline,
    expectation: tally.expectation,
    observed,
    now,
    runTag: 'thr',
    poisonLetters: { 'click-not-json': 2, 'product-schema': 1 },
  });
}

function printed(tally: Tally, observed = perfectObserved(tally.expectation)): string {
  const verification = verify(tally, observed);
  const latencyMs = { samples: 0, timeouts: 0, p50: null, p95: null, p99: null, max: null };
  const run = { runTag: 'thr', seed: 18, durationMs: 1, eventsByKind: tally.expectation.counts, latencyMs };
  return summaryText(demoSummary(run, verification)).join('\n');
}

describe('the demo workload of the threshold mapping', () => {
  it('drifts every sensor over the threshold and back, and silences the first one', () => {
    // Act
    const tally = generatedTally();
    const { messages } = sinkAlerts(tally.expectation);

    // Assess
    const readings = tally.expectation.readings;
    expect(readings.size).toBe(6);
    expect(readings.get('sensor-thr-1')).toHaveLength(8);
    for (const deviceId of readings.keys()) {
      if (deviceId === 'sensor-thr-1') continue;
      const mine = messages.filter((m) => m.key === deviceId).map((m) => `${m.from}>${m.to}`);
      expect(mine).toContain('ok>alerting');
      expect(mine).toContain('alerting>ok');
    }
  });

  it('is generated the same from the same seed', () => {
    // Act
    const first = [...generatedTally(1_000).expectation.readings.values()].flat();
    const second = [...generatedTally(1_000).expectation.readings.values()].flat();

    // Assess
    expect(second).toEqual(first);
  });
});

describe('thresholdCheck', () => {
  it('finds nothing when the topic and the alert set hold exactly the sink rule’s transitions', () => {
    // Prepare
    const tally = generatedTally();
    const observed = perfectObserved(tally.expectation);

    // Act
    const findings = thresholdCheck({ pipeline, expectation: tally.expectation, observed, now: T0 });

    // Assess
    expect(observed.alerts?.messages.length).toBeGreaterThan(20);
    expect(findings).toMatchObject({ missing: [], repeated: [], differences: [] });
    expect(findings?.expected).toBe(tally.expectation.counts.reading);
  });

  it('counts a transition alerted twice as double-applied and a missing one as lost, and the summary shows both', () => {
    // Prepare: the sink's alerts with one transition alerted again under the key's next seq (a second id,
    // as a sink applying it twice would send) and another never sent
    const tally = generatedTally();
    const observed = perfectObserved(tally.expectation);
    const messages = [...(observed.alerts?.messages ?? [])];
    const doubled = messages[3] as ObservedAlert;
    const nextSeq = Math.max(...messages.filter((m) => m.key === doubled.key).map((m) => m.seq)) + 1;
    const dropped = messages.findIndex((m, i) => i > 3 && m.key !== doubled.key);
    const missing = messages[dropped] as ObservedAlert;
    messages.splice(dropped, 1);
    messages.push({
      ...doubled,
      seq: nextSeq,
      id: `${pipeline.redis.threshold.name}:${doubled.key}:${nextSeq}`,
    });
    observed.alerts = { messages, current: observed.alerts?.current ?? new Map() };

    // Act
    const result = verify(tally, observed);
    const text = printed(tally, observed);

    // Assess
    expect(result.byKind.reading).toMatchObject({ lost: 1, doubleApplied: 1 });
    expect(result).toMatchObject({ lost: 1, doubleApplied: 1, mismatched: 0, ok: false });
    expect(text).toContain(`✗ redis:${pipeline.redis.threshold.name}`);
    expect(text).toContain(`${doubled.key}: transition #${doubled.seq} ${doubled.from}>${doubled.to}`);
    expect(text).toContain(`${missing.key}: transition #${missing.seq} ${missing.from}>${missing.to}`);
    expect(text).toContain('RESULT: FAILED — 1 lost; 1 double-applied');
  });

  it('takes a second copy of an alert id as a consumer does: one transition, nothing double-applied', () => {
    // Prepare: every alert sent twice (a retried send after a broker crash re-sends the same ids)
    const tally = generatedTally();
    const observed = perfectObserved(tally.expectation);
    const messages = observed.alerts?.messages ?? [];
    observed.alerts = {
      messages: messages.flatMap((m) => [m, m]),
      current: observed.alerts?.current ?? new Map(),
    };

    // Act
    const result = verify(tally, observed);

    // Assess
    expect(messages.length).toBeGreaterThan(20);
    expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, ok: true });
  });

  it('finds alerts out of order, with another content, unexpected, or a wrong current alert set', () => {
    // Prepare: the sensor alerts (2 readings over 80) and recovers (2 at or below 70)
    const tally = tallyOf([
      [0, 85],
      [1_000, 86],
      [2_000, 75],
      [3_000, 65],
      [4_000, 60],
    ]);
    const base = perfectObserved(tally.expectation);
    const [up, down] = base.alerts?.messages ?? [];
    const cases: ObservedAlert[][] = [
      [down as ObservedAlert, up as ObservedAlert],
      [{ ...(up as ObservedAlert), value: 99 }, down as ObservedAlert],
      [up as ObservedAlert, down as ObservedAlert, { ...(down as ObservedAlert), seq: 3, value: 55 }],
    ];

    // Act
    const found = cases.map(
      (messages) =>
        thresholdCheck({
          pipeline,
          expectation: tally.expectation,
          observed: { ...base, alerts: { messages, current: new Map() } },
          now: T0 + 10 * SECOND,
        })?.differences,
    );
    const wrongSet = thresholdCheck({
      pipeline,
      expectation: tally.expectation,
      observed: {
        ...base,
        alerts: { messages: base.alerts?.messages ?? [], current: new Map([['sensor-thr-1', '{}']]) },
      },
      now: T0 + 10 * SECOND,
    })?.differences;

    // Assess
    expect(base.alerts?.messages.map((m) => `${m.from}>${m.to}`)).toEqual(['ok>alerting', 'alerting>ok']);
    expect(found[0]).toEqual(['sensor-thr-1: alerts out of order on the topic (seq 2, 1)']);
    expect(found[1]).toEqual([
      `sensor-thr-1: alert #1 ok>alerting at ${T0 + 1_000} (99), expected #1 ok>alerting at ${T0 + 1_000} (86)`,
    ]);
    expect(found[2]).toEqual([`sensor-thr-1: unexpected alert #3 alerting>ok at ${T0 + 4_000} (55)`]);
    expect(wrongSet).toEqual(['sensor-thr-1: in the current alert set ({}) but ok']);
  });

  it('requires a silence once it is due, takes one seen before, and waits for one not due yet', () => {
    // Prepare: one reading at T0; silent from T0 + 30 s, the sweep every minute after
    const tally = tallyOf([[0, 50]]);
    const base = perfectObserved(tally.expectation);
    const state = {
      status: 'ok' as const,
      since: T0,
      lastValue: 50,
      lastAt: T0,
      pending: null,
      transitions: 0,
    };
    const silence = evaluateSilence(thresholdRule, 'sensor-thr-1', state, T0 + 31 * SECOND).alerts[0];
    const silent = {
      id: silence?.alertId ?? '',
      key: 'sensor-thr-1',
      seq: 1,
      from: 'ok',
      to: 'silent',
      at: T0 + 30 * SECOND,
      value: 50,
    };
    const silentSet = new Map([
      [
        'sensor-thr-1',
        JSON.stringify({ key: 'sensor-thr-1', status: 'silent', since: T0 + 30_000, value: 50 }),
      ],
    ]);
    const check = (messages: ObservedAlert[], current: Map<string, string>, now: number) =>
      thresholdCheck({
        pipeline,
        expectation: tally.expectation,
        observed: { ...base, alerts: { messages, current } },
        now,
      });

    // Act
    const dueAndAbsent = check([], new Map(), T0 + 106 * SECOND);
    const seenEarly = check([silent], silentSet, T0 + 31 * SECOND);
    const committedNotSent = check([], silentSet, T0 + 40 * SECOND);
    const notYet = check([], new Map(), T0 + 20 * SECOND);

    // Assess
    expect(silence?.at).toBe(silent.at);
    expect(dueAndAbsent?.missing).toEqual([
      {
        ids: [`sensor-thr-1@${T0}`],
        example: `sensor-thr-1: transition #1 ok>silent at ${T0 + 30_000} (50) not on the topic`,
      },
    ]);
    expect(dueAndAbsent?.differences).toEqual(['sensor-thr-1: silent but not in the current alert set']);
    for (const findings of [seenEarly, committedNotSent, notYet])
      expect(findings).toMatchObject({ missing: [], repeated: [], differences: [] });
  });

  it('takes a silence between two readings from the topic, and the reading after it recovers the sensor', () => {
    // Prepare: a 40 s gap, then a reading over the bound (the silence resets the debounce)
    const tally = tallyOf([
      [0, 50],
      [40_000, 85],
      [41_000, 86],
    ]);
    const base = perfectObserved(tally.expectation);
    const messages: ObservedAlert[] = [
      {
        id: 'device-temperature:sensor-thr-1:1',
        key: 'sensor-thr-1',
        seq: 1,
        from: 'ok',
        to: 'silent',
        at: T0 + 30_000,
        value: 50,
      },
      {
        id: 'device-temperature:sensor-thr-1:2',
        key: 'sensor-thr-1',
        seq: 2,
        from: 'silent',
        to: 'ok',
        at: T0 + 40_000,
        value: 85,
      },
      {
        id: 'device-temperature:sensor-thr-1:3',
        key: 'sensor-thr-1',
        seq: 3,
        from: 'ok',
        to: 'alerting',
        at: T0 + 41_000,
        value: 86,
      },
    ];

    // Act
    const withSilence = thresholdCheck({
      pipeline,
      expectation: tally.expectation,
      observed: { ...base, alerts: { messages, current: base.alerts?.current ?? new Map() } },
      now: T0 + 42 * SECOND,
    });
    const without = thresholdCheck({
      pipeline,
      expectation: tally.expectation,
      observed: base,
      now: T0 + 42 * SECOND,
    });

    // Assess
    expect(base.alerts?.messages.map((m) => m.seq)).toEqual([1]);
    expect(withSilence).toMatchObject({ missing: [], repeated: [], differences: [] });
    expect(without).toMatchObject({ missing: [], repeated: [], differences: [] });
  });

  it('leaves the readings unverified when the run read no alerts', () => {
    // Prepare
    const tally = tallyOf([[0, 85]]);
    const observed = perfectObserved(tally.expectation);
    delete observed.alerts;

    // Act
    const result = verify(tally, observed);

    // Assess
    expect(result.byKind.reading).toMatchObject({ events: 1, unverified: 1, applied: 0 });
  });
});
