import { describe, expect, it } from 'vitest';
import { funnelReach } from '../../../lambdas/kafka-to-dynamodb/sessions/funnelReach';
import {
  closeIdleSessions,
  EMPTY_TIMELINE,
  foldPageViews,
  nextCloseDue,
} from '../../../lambdas/kafka-to-dynamodb/sessions/sessionTimeline';

const MIN = 60_000;
const T0 = Date.parse('2026-12-04T10:00:00Z');
const rules = { gapMs: 30 * MIN, latenessMs: 5 * MIN, funnelWindowMs: 60 * MIN };

describe('foldPageViews', () => {
  it('keeps views within a gap in one session and closes it once a later event passes gap and lateness', () => {
    // Act
    const first = foldPageViews(
      EMPTY_TIMELINE,
      [{ ts: T0 }, { ts: T0 + 10 * MIN }, { ts: T0 + 25 * MIN }],
      rules,
      0,
    );
    const second = foldPageViews(first.timeline, [{ ts: T0 + 2 * 60 * MIN }], rules, 0);

    // Assess
    expect(first.closed).toEqual([]);
    expect(first.timeline.open).toEqual([{ start: T0, end: T0 + 25 * MIN, pages: 3 }]);
    expect(second.closed).toEqual([{ start: T0, end: T0 + 25 * MIN, pages: 3 }]);
    expect(second.timeline.open).toEqual([{ start: T0 + 120 * MIN, end: T0 + 120 * MIN, pages: 1 }]);
    expect(second.counts.get('2026-12-04')).toMatchObject({ sessions: 1, pages: 3, durationMs: 25 * MIN });
  });

  it('keeps a session open while a late event could still join it (next event within gap + lateness)', () => {
    // Act
    const { closed, timeline } = foldPageViews(EMPTY_TIMELINE, [{ ts: T0 }, { ts: T0 + 33 * MIN }], rules, 0);

    // Assess: 33 min > gap, but T0 + 33 - 5 is not past T0 + 30 yet
    expect(closed).toEqual([]);
    expect(timeline.open).toHaveLength(2);
  });

  it('places a late view between two open sessions, merging them into one', () => {
    // Prepare
    const { timeline } = foldPageViews(EMPTY_TIMELINE, [{ ts: T0 }, { ts: T0 + 34 * MIN }], rules, 0);

    // Act
    const result = foldPageViews(timeline, [{ ts: T0 + 30 * MIN }], rules, 0);

    // Assess
    expect(result.late).toEqual([]);
    expect(result.timeline.open).toEqual([{ start: T0, end: T0 + 34 * MIN, pages: 3 }]);
  });

  it('reports a view older than the lateness horizon as late and changes nothing', () => {
    // Prepare
    const { timeline } = foldPageViews(EMPTY_TIMELINE, [{ ts: T0 + 60 * MIN }], rules, 0);

    // Act
    const result = foldPageViews(timeline, [{ ts: T0 + 54 * MIN }, { ts: T0 + 56 * MIN }], rules, 0);

    // Assess
    expect(result.late).toEqual([{ index: 0, closedThrough: T0 + 55 * MIN }]);
    expect(result.timeline.open).toEqual([{ start: T0 + 56 * MIN, end: T0 + 60 * MIN, pages: 2 }]);
  });
});

describe('funnel counts', () => {
  it('counts a user once per step and day, only for steps reached in order within the window', () => {
    // Act: view, cart, (paid before checkout), checkout, paid again
    const { counts } = foldPageViews(
      EMPTY_TIMELINE,
      [
        { ts: T0, step: 0 },
        { ts: T0 + MIN, step: 1 },
        { ts: T0 + 2 * MIN, step: 3 },
        { ts: T0 + 3 * MIN, step: 2 },
        { ts: T0 + 4 * MIN, step: 3 },
        { ts: T0 + 5 * MIN, step: 0 },
      ],
      rules,
      4,
    );

    // Assess
    expect(counts.get('2026-12-04')?.funnel).toEqual([1, 1, 1, 1]);
  });

  it('does not count steps beyond the window and adds only the new steps when a later batch extends a chain', () => {
    // Prepare
    const first = foldPageViews(
      EMPTY_TIMELINE,
      [
        { ts: T0, step: 0 },
        { ts: T0 + MIN, step: 1 },
      ],
      rules,
      4,
    );

    // Act
    const second = foldPageViews(
      first.timeline,
      [
        { ts: T0 + 2 * MIN, step: 2 },
        { ts: T0 + 61 * MIN, step: 3 },
      ],
      rules,
      4,
    );

    // Assess
    expect(first.counts.get('2026-12-04')?.funnel).toEqual([1, 1, 0, 0]);
    expect(second.counts.get('2026-12-04')?.funnel).toEqual([0, 0, 1, 0]);
  });

  it('funnelReach attributes a chain to the UTC day of its first step', () => {
    const midnight = Date.parse('2026-12-05T00:00:00Z');
    expect(
      funnelReach(
        [
          { ts: midnight - MIN, step: 0 },
          { ts: midnight + MIN, step: 1 },
        ],
        2,
        60 * MIN,
      ),
    ).toEqual({ '2026-12-04': 2 });
  });
});

describe('closeIdleSessions (the schedule)', () => {
  it('closes a session whose gap and lateness passed once the user was idle for the lateness', () => {
    // Prepare
    const { timeline } = foldPageViews(EMPTY_TIMELINE, [{ ts: T0 }, { ts: T0 + 5 * MIN }], rules, 0);
    const processedAt = T0 + 5 * MIN;
    const due = nextCloseDue(timeline, processedAt, rules) as number;

    // Act
    const early = closeIdleSessions(timeline, due - 1, processedAt, rules, 0);
    const onTime = closeIdleSessions(timeline, due, processedAt, rules, 0);

    // Assess
    expect(due).toBe(T0 + 40 * MIN + 1);
    expect(early.closed).toEqual([]);
    expect(onTime.closed).toEqual([{ start: T0, end: T0 + 5 * MIN, pages: 2 }]);
    expect(onTime.timeline.open).toEqual([]);
    expect(onTime.timeline.closedThrough).toBe(T0 + 35 * MIN + 1);
    expect(nextCloseDue(onTime.timeline, processedAt, rules)).toBeUndefined();
  });

  it('waits for the lateness after the last processing even when event time says the gap passed (a replay)', () => {
    // Prepare: events from yesterday, processed just now
    const { timeline } = foldPageViews(EMPTY_TIMELINE, [{ ts: T0 - 86_400_000 }], rules, 0);

    // Act
    const result = closeIdleSessions(timeline, T0, T0 - MIN, rules, 0);

    // Assess
    expect(result.closed).toEqual([]);
  });
});
