import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateReadings,
  evaluateSilence,
} from '../../../lambdas/kafka-to-redis/thresholds/evaluateThreshold';
import type { Reading, ThresholdRule } from '../../../lambdas/kafka-to-redis/thresholds/types';

const RULE: ThresholdRule = { mapping: 'temp', above: 80, recoverBelow: 70, forReadings: 1, forSeconds: 0 };

function readings(values: readonly number[], stepMs = 1_000): Reading[] {
  return values.map((value, i) => ({ value, at: 1_000_000 + i * stepMs }));
}

function transitions(rule: ThresholdRule, values: readonly number[], stepMs = 1_000) {
  return evaluateReadings(rule, 'd1', undefined, readings(values, stepMs)).alerts.map(
    (a) => `${a.from}>${a.to}:${a.reason}@${a.value}`,
  );
}

describe('evaluateReadings', () => {
  it('alerts once when a key crosses the threshold and once when it recovers, not per reading', () => {
    expect(transitions(RULE, [50, 85, 90, 95, 65, 60])).toEqual([
      'ok>alerting:above@85',
      'alerting>ok:recovered@65',
    ]);
  });

  it('recovers only past the lower bound (hysteresis)', () => {
    expect(transitions(RULE, [85, 75, 79, 72, 85])).toEqual(['ok>alerting:above@85']);
    expect(transitions({ ...RULE, recoverBelow: undefined }, [85, 79])).toEqual([
      'ok>alerting:above@85',
      'alerting>ok:recovered@79',
    ]);
  });

  it('waits for N readings in a row past the bound (debounce by readings)', () => {
    const rule = { ...RULE, forReadings: 3 };
    expect(transitions(rule, [85, 86, 50, 85, 86, 87, 88])).toEqual(['ok>alerting:above@87']);
  });

  it('waits for the condition to hold T seconds (debounce by time)', () => {
    const rule = { ...RULE, forSeconds: 5 };
    // one reading per 2 s: 85 at t0, 86 at t2, 87 at t4, 88 at t6 → 6 s ≥ 5 s
    expect(transitions(rule, [85, 86, 87, 88], 2_000)).toEqual(['ok>alerting:above@88']);
  });

  it('alerts below a lower threshold, and outside a band', () => {
    const band: ThresholdRule = { mapping: 'temp', above: 80, below: 10, forReadings: 1, forSeconds: 0 };
    expect(transitions(band, [50, 5, 20, 90, 50])).toEqual([
      'ok>alerting:below@5',
      'alerting>ok:recovered@20',
      'ok>alerting:above@90',
      'alerting>ok:recovered@50',
    ]);
  });

  it('numbers transitions per key, so alert ids are deterministic and continue across batches', () => {
    const first = evaluateReadings(RULE, 'd1', undefined, readings([85]));
    const second = evaluateReadings(RULE, 'd1', first.state, readings([60, 90]));
    expect([...first.alerts, ...second.alerts].map((a) => a.alertId)).toEqual([
      'temp:d1:1',
      'temp:d1:2',
      'temp:d1:3',
    ]);
  });
});

describe('evaluateSilence', () => {
  const rule = { ...RULE, silenceSeconds: 60 };

  it('turns a key silent once no reading came for silenceSeconds; its next reading recovers it', () => {
    const { state } = evaluateReadings(rule, 'd1', undefined, [{ value: 50, at: 0 }]);
    expect(evaluateSilence(rule, 'd1', state, 59_999).alerts).toEqual([]);
    const silent = evaluateSilence(rule, 'd1', state, 120_000);
    expect(silent.alerts.map((a) => [a.from, a.to, a.at])).toEqual([['ok', 'silent', 60_000]]);
    expect(evaluateSilence(rule, 'd1', silent.state, 500_000).alerts).toEqual([]);
    const back = evaluateReadings(rule, 'd1', silent.state, [{ value: 90, at: 130_000 }]);
    expect(back.alerts.map((a) => `${a.from}>${a.to}`)).toEqual(['silent>ok', 'ok>alerting']);
  });
});

describe('evaluateReadings properties', () => {
  const values = fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 60 });
  const rules = fc.record({
    forReadings: fc.integer({ min: 1, max: 4 }),
    recoverBelow: fc.integer({ min: 50, max: 80 }),
  });

  it('states alternate: each alert starts where the previous one ended, and seq counts them', () => {
    fc.assert(
      fc.property(values, rules, (vs, r) => {
        const rule = { ...RULE, ...r };
        const { alerts, state } = evaluateReadings(rule, 'k', undefined, readings(vs.length ? vs : [0]));
        let status = 'ok';
        alerts.forEach((alert, i) => {
          expect(alert.from).toBe(status);
          expect(alert.to).not.toBe(status);
          expect(alert.seq).toBe(i + 1);
          status = alert.to;
        });
        expect(state.status).toBe(status);
        expect(state.transitions).toBe(alerts.length);
      }),
    );
  });

  it('any split of the readings into batches gives the same alerts (what compaction and redelivery rely on)', () => {
    fc.assert(
      fc.property(
        values,
        rules,
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 5 }),
        (vs, r, cuts) => {
          const rule = { ...RULE, ...r };
          const all = readings(vs.length ? vs : [0]);
          const whole = evaluateReadings(rule, 'k', undefined, all);
          const bounds = [...new Set(cuts.map((c) => Math.min(c, all.length)))].sort((a, b) => a - b);
          let state = undefined as ReturnType<typeof evaluateReadings>['state'] | undefined;
          const alerts: string[] = [];
          let start = 0;
          for (const end of [...bounds, all.length]) {
            if (end <= start) continue;
            const part = evaluateReadings(rule, 'k', state, all.slice(start, end));
            state = part.state;
            alerts.push(...part.alerts.map((a) => a.alertId + a.to));
            start = end;
          }
          expect(alerts).toEqual(whole.alerts.map((a) => a.alertId + a.to));
          expect(state).toEqual(whole.state);
        },
      ),
    );
  });

  it('never alerts at or below the threshold, never recovers above the recovery bound', () => {
    fc.assert(
      fc.property(values, rules, (vs, r) => {
        const rule = { ...RULE, ...r };
        for (const alert of evaluateReadings(rule, 'k', undefined, readings(vs.length ? vs : [0])).alerts) {
          if (alert.to === 'alerting') expect(alert.value).toBeGreaterThan(80);
          else expect(alert.value).toBeLessThanOrEqual(rule.recoverBelow);
        }
      }),
    );
  });
});
