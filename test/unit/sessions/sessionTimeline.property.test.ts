import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { funnelReach } from '../../../lambdas/kafka-to-dynamodb/sessions/funnelReach';
import { EMPTY_TIMELINE, foldPageViews } from '../../../lambdas/kafka-to-dynamodb/sessions/sessionTimeline';
import type { PageView, Session, UserTimeline } from '../../../lambdas/kafka-to-dynamodb/sessions/types';

const MIN = 60_000;
const rules = { gapMs: 30 * MIN, latenessMs: 20 * MIN, funnelWindowMs: 45 * MIN };
const STEPS = 4;

/** The reference: sessions of a set of times by the gap alone. */
function sessionsOf(times: readonly number[]): Session[] {
  const sessions: Session[] = [];
  for (const ts of [...times].sort((a, b) => a - b)) {
    const last = sessions[sessions.length - 1];
    if (last && ts - last.end <= rules.gapMs)
      sessions[sessions.length - 1] = { ...last, end: ts, pages: last.pages + 1 };
    else sessions.push({ start: ts, end: ts, pages: 1 });
  }
  return sessions;
}

/** Views in time order, then shuffled so each one arrives no later than the lateness behind the latest before it. */
const journey = fc
  .array(
    fc.record({
      delta: fc.integer({ min: 0, max: 50 * MIN }),
      step: fc.option(fc.integer({ min: 0, max: STEPS - 1 })),
    }),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .chain((entries) => {
    let ts = Date.parse('2026-12-04T22:00:00Z');
    const views: PageView[] = entries.map((e) => {
      ts += e.delta;
      return e.step === null ? { ts } : { ts, step: e.step };
    });
    return fc.tuple(
      fc.constant(views),
      fc.array(fc.nat(), { minLength: views.length, maxLength: views.length }),
    );
  })
  .map(([views, keys]) => {
    // Arrival order: time order perturbed by a random delay below the lateness.
    const delayed = views.map((v, i) => ({ v, arrival: v.ts + ((keys[i] as number) % rules.latenessMs) }));
    return { views, arrival: delayed.sort((a, b) => a.arrival - b.arrival).map((d) => d.v) };
  })
  .filter(({ arrival }) => {
    let max = Number.NEGATIVE_INFINITY;
    return arrival.every((v) => {
      const ok = v.ts >= max - rules.latenessMs;
      max = Math.max(max, v.ts);
      return ok;
    });
  });

/** Folds views in batches of random sizes, collecting everything closed and counted. */
function foldInBatches(views: readonly PageView[], cuts: readonly number[]) {
  let timeline: UserTimeline = EMPTY_TIMELINE;
  const closed: Session[] = [];
  const funnel = new Map<string, number[]>();
  let late = 0;
  let at = 0;
  for (const size of [...cuts, views.length]) {
    const batch = views.slice(at, at + Math.max(1, size));
    if (batch.length === 0) break;
    at += batch.length;
    const result = foldPageViews(timeline, batch, rules, STEPS);
    timeline = result.timeline;
    closed.push(...result.closed);
    late += result.late.length;
    for (const [day, c] of result.counts) {
      const sum = funnel.get(day) ?? new Array<number>(STEPS).fill(0);
      c.funnel.forEach((n, i) => {
        sum[i] = (sum[i] as number) + n;
      });
      funnel.set(day, sum);
    }
  }
  return { closed, open: timeline.open, funnel, late, timeline };
}

describe('sessions and funnels (property)', () => {
  it('any arrival order within the lateness, in any batches, gives the same sessions and funnel counts', () => {
    fc.assert(
      fc.property(
        journey,
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 10 }),
        ({ views, arrival }, cuts) => {
          // Act
          const inOrder = foldInBatches(views, []);
          const shuffled = foldInBatches(arrival, cuts);

          // Assess
          const expected = sessionsOf(views.map((v) => v.ts));
          expect(shuffled.late).toBe(0);
          expect([...shuffled.closed, ...shuffled.open].sort((a, b) => a.start - b.start)).toEqual(expected);
          expect(shuffled.closed).toEqual(inOrder.closed);
          const reach = funnelReach(
            views.flatMap((v) => (v.step === undefined ? [] : [{ ts: v.ts, step: v.step }])),
            STEPS,
            rules.funnelWindowMs,
          );
          const counted = Object.fromEntries(
            [...shuffled.funnel].map(([day, steps]) => [day, steps.filter((n) => n > 0).length]),
          );
          expect(Object.fromEntries(Object.entries(counted).filter(([, n]) => n > 0))).toEqual(reach);
          for (const steps of shuffled.funnel.values())
            for (const n of steps) expect(n).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every closed session is a gap and the lateness behind the horizon, so no acceptable event can reach it', () => {
    fc.assert(
      fc.property(journey, ({ arrival }) => {
        const { closed, timeline } = foldInBatches(arrival, []);
        for (const s of closed) expect(s.end + rules.gapMs).toBeLessThan(timeline.closedThrough as number);
      }),
      { numRuns: 300 },
    );
  });
});
