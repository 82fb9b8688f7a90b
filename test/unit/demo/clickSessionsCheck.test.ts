import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../../../lambdas/kafka-to-dynamodb/sessions/readSessions';
import type { Session } from '../../../lambdas/kafka-to-dynamodb/sessions/types';
import { expectClickSessions, LATE_EVENT_ERROR } from '../../../local/demo/clickSessionsCheck';
import { demoSummary } from '../../../local/demo/demoSummary';
import { buildJourneys, journeyDay } from '../../../local/demo/journeys';
import { summaryText } from '../../../local/demo/summaryText';
import { Tally } from '../../../local/demo/Tally';
import type { ClickEvent, DeadLetterMessage, ObservedClickSessions } from '../../../local/demo/types';
import { verifyResults } from '../../../local/demo/verifyResults';
import { WorkloadGenerator } from '../../../local/demo/WorkloadGenerator';
import { perfectObserved, pipeline, T0 } from './factories';

const sessions = pipeline.dynamodb.sessions;
if (!sessions?.funnel)
  throw new Error('the reference pipeline has a clickstream sessions mapping with a funnel');
const rules = { ...sessions, steps: sessions.funnel.steps };
const poisonLetters = { 'click-not-json': 2, 'product-schema': 1 } as const;

function tallyOf(count: number): Tally {
  let now = T0;
  const generator = new WorkloadGenerator({
    seed: 5,
    runTag: 'tag1',
    totalEvents: count,
    clock: () => now++,
    journeys: rules,
  });
  const tally = new Tally(pipeline);
  for (let i = 0; i < count; i++) tally.record(generator.next());
  return tally;
}

/** The sink's dead letter of a view it found older than the lateness (the payload JSON-escaped inside). */
function lateLetter(click: ClickEvent): DeadLetterMessage {
  const reason = `event time ${new Date(click.ts).toISOString()} is before …: user "${click.userId}"'s sessions are closed through there (lateness 120s)`;
  const { kind: _kind, ...payload } = click;
  return {
    queueUrl: 'http://127.0.0.1/q/kafka-to-dynamodb',
    messageId: `late-${click.eventId}`,
    body: JSON.stringify({ reason, errorType: LATE_EVENT_ERROR, payload: JSON.stringify(payload) }),
    reason,
    errorType: LATE_EVENT_ERROR,
    handler: 'kafka-to-dynamodb',
  };
}

/** The sessions mapping holding exactly the recomputation, every session closed, the late view dead-lettered. */
function perfect(tally: Tally, sinkLate: readonly ClickEvent[] = []) {
  const letters = sinkLate.map((click) => lateLetter(click));
  const expected = expectClickSessions(pipeline, tally.expectation, letters);
  if (!expected) throw new Error('no sessions expectation');
  const users = new Map<string, { closed: StoredSession[]; open: Session[] }>(
    [...expected.sessions].map(([user, list]) => [
      user,
      {
        closed: list.map((s) => ({
          userId: user,
          day: new Date(s.start).toISOString().slice(0, 10),
          start: s.start,
          end: s.end,
          pages: s.pages,
          durationMs: s.end - s.start,
        })),
        open: [],
      },
    ]),
  );
  const funnels = new Map<string, Record<string, number>>(
    [...expected.funnels].map(([day, f]) => [
      day,
      Object.fromEntries(rules.steps.map((step, i) => [step, f.users[i] ?? 0])),
    ]),
  );
  const clickSessions: ObservedClickSessions = {
    users,
    dayCounts: new Map([...expected.days].map(([day, d]) => [day, { ...d }])),
    funnels,
  };
  const observed = perfectObserved(tally.expectation);
  observed.deadLetters.push(...expected.late.map((click) => lateLetter(click)), ...letters);
  return { observed: { ...observed, clickSessions }, users, funnels, expected };
}

function verify(tally: Tally, observed: ReturnType<typeof perfect>['observed']) {
  return verifyResults({
    pipeline,
    expectation: tally.expectation,
    observed,
    now: T0 + 60_000,
    runTag: 'tag1',
    poisonLetters,
  });
}

function sessionsCheck(result: ReturnType<typeof verify>) {
  return result.checks.find((c) => c.effect === `dynamodb:${rules.name}`);
}

describe('known journeys', () => {
  it('are the same for a seed, on the run tag’s own past day, with one view out of order and one too late', () => {
    // Act
    const journeys = buildJourneys({ seed: 5, runTag: 'tag1', rules, pages: ['a', 'b'] });
    const again = buildJourneys({ seed: 5, runTag: 'tag1', rules, pages: ['a', 'b'] });
    // Assess
    expect(journeys).toEqual(again);
    const day = journeyDay('tag1');
    expect(journeys.every((c) => c.ts >= day && c.ts < day + 86_400_000)).toBe(true);
    expect(journeyDay('tag2')).not.toBe(day);
    const byUser = new Map<string, ClickEvent[]>();
    for (const c of journeys) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c]);
    const lateness = rules.latenessSeconds * 1000;
    let outOfOrder = 0;
    let tooLate = 0;
    for (const clicks of byUser.values()) {
      let max = Number.NEGATIVE_INFINITY;
      for (const c of clicks) {
        if (c.ts < max - lateness) tooLate += 1;
        else if (c.ts < max) outOfOrder += 1;
        max = Math.max(max, c.ts);
      }
    }
    expect({ outOfOrder, tooLate }).toEqual({ outOfOrder: 1, tooLate: 1 });
  });
});

describe('verifyResults: clickstream sessions and funnel', () => {
  it('accounts every click and the too-late view as dead-lettered with its reason when the sink holds the recomputation', () => {
    // Prepare
    const tally = tallyOf(2000);
    const { observed, expected } = perfect(tally);
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0, unverified: 0 });
    expect(expected.late).toHaveLength(1);
    expect(expected.days.size).toBe(1);
    expect([...expected.funnels.values()][0]?.users[0]).toBeGreaterThan(0);
    expect(sessionsCheck(result)).toMatchObject({
      expected: tally.expectation.counts.click,
      deadLettered: 1,
    });
    expect(result.deadLetters).toMatchObject({ unexpected: 0 });
    expect(result.deadLetters.reasons[LATE_EVENT_ERROR]).toBe(1);
  });

  it('catches a session item missing, one with a page too many, one with the wrong end, and a funnel step off by one', () => {
    // Prepare
    const tally = tallyOf(2000);
    const { observed, users, funnels, expected } = perfect(tally);
    const journeyUsers = [...users.keys()].filter((u) => u.includes('-j'));
    const [a, b, c] = journeyUsers.map((u) => users.get(u)?.closed ?? []);
    const lostPages = a?.[0]?.pages ?? 0;
    a?.splice(0, 1);
    if (b?.[0]) b[0] = { ...b[0], pages: b[0].pages + 1 };
    if (c?.[0]) c[0] = { ...c[0], end: c[0].end + 1 };
    const [day] = expected.funnels.keys();
    const funnel = funnels.get(day as string) ?? {};
    funnel.view = (funnel.view ?? 0) - 1;
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(sessionsCheck(result)).toMatchObject({ lost: lostPages + 1, doubleApplied: 1, mismatched: 1 });
    expect(result.ok).toBe(false);
    const text = summaryText(
      demoSummary(
        {
          runTag: 'tag1',
          seed: 5,
          durationMs: 1_000,
          eventsByKind: tally.expectation.counts,
          latencyMs: { samples: 0, timeouts: 0, p50: null, p95: null, p99: null, max: null },
        },
        result,
      ),
    ).join('\n');
    expect(text).toMatch(/✗ dynamodb:clickstream-sessions/);
    expect(text).toMatch(/funnel view: \d+ users, expected \d+/);
    expect(text).toMatch(/RESULT: FAILED/);
  });

  it('counts a session still open at the end as unverified, not lost, and a too-late view not dead-lettered as lost', () => {
    // Prepare
    const tally = tallyOf(2000);
    const { observed, users, expected } = perfect(tally);
    const user = [...users.keys()].find((u) => u.includes('-j03')) as string;
    const got = users.get(user);
    const last = got?.closed.pop() as StoredSession;
    got?.open.push({ start: last.start, end: last.end, pages: last.pages });
    observed.deadLetters = observed.deadLetters.filter((m) => m.errorType !== LATE_EVENT_ERROR);
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(sessionsCheck(result)).toMatchObject({ unverified: last.pages, lost: 1, mismatched: 0 });
    expect(sessionsCheck(result)?.examples.join('\n')).toMatch(/still open at the end of the run/);
    expect(expected.late[0]?.userId).toContain('-j02');
  });

  it('counts views the sink dead-lettered as late although sent in time as dead-lettered, not lost, with the reason', () => {
    // Prepare: the sink read two of a user's views more than the lateness behind its later ones
    const tally = tallyOf(2000);
    const user = [...tally.expectation.clicksByUser.values()].find(
      (list) => list.length >= 4 && !list[0]?.action,
    );
    const sinkLate = (user ?? []).slice(0, 2);
    const { observed } = perfect(tally, sinkLate);
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(sinkLate).toHaveLength(2);
    expect(result).toMatchObject({ lost: 0, doubleApplied: 0, mismatched: 0 });
    expect(sessionsCheck(result)).toMatchObject({ deadLettered: 3 });
    expect(sessionsCheck(result)?.examples.join('\n')).toMatch(/sent in time; the sink read it/);
    expect(result.deadLetters).toMatchObject({ unexpected: 0 });
    expect(result.deadLetters.reasons[LATE_EVENT_ERROR]).toBe(3);
  });

  it('still flags a late dead letter of a view the tally never sent', () => {
    // Prepare
    const tally = tallyOf(500);
    const { observed } = perfect(tally);
    observed.deadLetters.push(
      lateLetter({
        ...(tally.expectation.clicksByUser.values().next().value?.[0] as ClickEvent),
        eventId: 'tag1-c999999',
      }),
    );
    // Act
    const result = verify(tally, observed);
    // Assess
    expect(result.deadLetters).toMatchObject({ unexpected: 1 });
    expect(result.ok).toBe(false);
  });
});
