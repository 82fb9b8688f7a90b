/**
 * The clickstream's sessions and funnel, recomputed from the tally's clicks alone (never from sink code):
 * each user's page views split by the inactivity gap, the views older than the lateness allows (in the
 * order sent) expected dead-lettered, per day the closed sessions' counts and the users reaching each
 * funnel step in order within the window. Then compared with what the `sessions` mapping holds.
 * How each figure is counted: docs/cli.md, "How the summary counts".
 *
 * @example
 * ```ts
 * const findings = clickSessionsCheck({ pipeline, expectation, observed });
 * findings?.missing; // [] when every session, count and funnel step is there
 * ```
 */
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type { ClickEvent, DeadLetterMessage, ObservedClickSessions } from './types';

/** The dead letter's error type of a view older than the lateness (`POISON_KINDS.late` of the sink). */
export const LATE_EVENT_ERROR = 'LateEvent';

/** The `eventId` a dead letter's payload carries (the payload may sit JSON-escaped inside the letter). */
const EVENT_ID = /eventId\\*"\s*:\s*\\*"([A-Za-z0-9_-]+)/;

/** The event id a dead letter's payload names, if any. */
export function letterEventId(letter: DeadLetterMessage): string | undefined {
  return EVENT_ID.exec(letter.body)?.[1];
}

/** Click event id → its `LateEvent` dead letter, for the letters that name a click. */
export function lateLetters(deadLetters: readonly DeadLetterMessage[]): Map<string, DeadLetterMessage> {
  const byId = new Map<string, DeadLetterMessage>();
  for (const letter of deadLetters) {
    if (letter.errorType !== LATE_EVENT_ERROR) continue;
    const id = letterEventId(letter);
    if (id !== undefined) byId.set(id, letter);
  }
  return byId;
}

export interface ExpectedClickSession {
  readonly start: number;
  readonly end: number;
  readonly pages: number;
  readonly eventIds: readonly string[];
}

export interface ExpectedDay {
  sessions: number;
  pages: number;
  durationMs: number;
  /** Starts of the day's sessions by user, to tell whether all of them are closed. */
  readonly starts: { readonly user: string; readonly start: number }[];
  readonly eventIds: string[];
}

export interface ClickSessionsExpectation {
  readonly sessions: ReadonlyMap<string, readonly ExpectedClickSession[]>;
  /** Views sent after a view of the same user later than them by more than the lateness. */
  readonly late: readonly ClickEvent[];
  /**
   * Views the sink dead-lettered as late although sent in time: read from other partitions (or after a
   * scheduled close) more than the lateness behind the user's later views. The sink's rule, not a loss:
   * they are left out of the sessions and funnel, and counted dead-lettered with their reason.
   */
  readonly lateBySink: readonly { readonly click: ClickEvent; readonly letter: DeadLetterMessage }[];
  /** Per UTC day that only this run's known journeys touch: the counts of the sessions starting on it. */
  readonly days: ReadonlyMap<string, ExpectedDay>;
  /** Per UTC day of a chain's first step: users reaching each step, and the step views behind them. */
  readonly funnels: ReadonlyMap<string, { readonly users: readonly number[]; readonly eventIds: string[] }>;
  /** Every click covered (placed in a session or expected dead-lettered). */
  readonly events: number;
}

function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Steps reached in order within the window, per UTC day of the chain's first step (the best chain). */
function reachByDay(views: readonly ClickEvent[], steps: readonly string[], windowMs: number) {
  const byStep = steps.map((step) =>
    views
      .filter((v) => v.action === step)
      .map((v) => v.ts)
      .sort((a, b) => a - b),
  );
  const reach = new Map<string, number>();
  for (const start of byStep[0] ?? []) {
    let at = start;
    let depth = 1;
    while (depth < steps.length) {
      const next = byStep[depth]?.find((ts) => ts >= at && ts <= start + windowMs);
      if (next === undefined) break;
      at = next;
      depth += 1;
    }
    const day = utcDay(start);
    reach.set(day, Math.max(reach.get(day) ?? 0, depth));
  }
  return reach;
}

/** What the `sessions` mapping must hold after the tally's clicks; `undefined` without such a mapping. */
export function expectClickSessions(
  pipeline: DemoPipeline,
  expectation: Expectation,
  deadLetters: readonly DeadLetterMessage[] = [],
): ClickSessionsExpectation | undefined {
  const mapping = pipeline.dynamodb.sessions;
  if (!mapping) return undefined;
  const gapMs = mapping.gapSeconds * 1000;
  const latenessMs = mapping.latenessSeconds * 1000;
  const steps = mapping.funnel?.steps ?? [];
  const sessions = new Map<string, ExpectedClickSession[]>();
  const late: ClickEvent[] = [];
  const lettered = lateLetters(deadLetters);
  const lateBySink: { click: ClickEvent; letter: DeadLetterMessage }[] = [];
  const days = new Map<string, ExpectedDay>();
  const sharedDays = new Set<string>();
  const funnels = new Map<string, { users: number[]; eventIds: string[] }>();
  let events = 0;
  for (const [user, clicks] of expectation.clicksByUser) {
    events += clicks.length;
    let maxTs = Number.NEGATIVE_INFINITY;
    const placed: ClickEvent[] = [];
    for (const click of clicks) {
      const letter = lettered.get(click.eventId);
      if (click.ts < maxTs - latenessMs) late.push(click);
      else if (letter) lateBySink.push({ click, letter });
      else placed.push(click);
      maxTs = Math.max(maxTs, click.ts);
    }
    const sorted = [...placed].sort((a, b) => a.ts - b.ts);
    const mine: ExpectedClickSession[] = [];
    let current: ClickEvent[] = [];
    const close = () => {
      const first = current[0];
      const last = current[current.length - 1];
      if (first && last)
        mine.push({
          start: first.ts,
          end: last.ts,
          pages: current.length,
          eventIds: current.map((c) => c.eventId),
        });
      current = [];
    };
    for (const click of sorted) {
      const previous = current[current.length - 1];
      if (previous && click.ts - previous.ts > gapMs) close();
      current.push(click);
    }
    close();
    sessions.set(user, mine);
    const journey = clicks.some((c) => c.action !== undefined);
    for (const s of mine) {
      const day = utcDay(s.start);
      if (!journey) {
        sharedDays.add(day);
        continue;
      }
      const d = days.get(day) ?? { sessions: 0, pages: 0, durationMs: 0, starts: [], eventIds: [] };
      d.sessions += 1;
      d.pages += s.pages;
      d.durationMs += s.end - s.start;
      d.starts.push({ user, start: s.start });
      d.eventIds.push(...s.eventIds);
      days.set(day, d);
    }
    if (steps.length > 0 && mapping.funnel) {
      for (const [day, depth] of reachByDay(placed, steps, mapping.funnel.windowSeconds * 1000)) {
        const f = funnels.get(day) ?? { users: steps.map(() => 0), eventIds: [] };
        for (let i = 0; i < depth; i++) f.users[i] = (f.users[i] ?? 0) + 1;
        f.eventIds.push(
          ...placed.filter((c) => c.action !== undefined && utcDay(c.ts) === day).map((c) => c.eventId),
        );
        funnels.set(day, f);
      }
    }
  }
  for (const day of sharedDays) days.delete(day);
  return { sessions, late, lateBySink, days, funnels, events };
}

export interface ClickSessionFindings {
  readonly expected: number;
  readonly missing: {
    readonly events: number;
    readonly among: readonly string[];
    readonly example: string;
  }[];
  readonly extra: { readonly events: number; readonly among: readonly string[]; readonly example: string }[];
  readonly unverified: { readonly ids: readonly string[]; readonly example: string }[];
  readonly differences: string[];
  /** Too-late views found in a dead-letter queue as late, with the reason. */
  deadLettered: number;
  readonly lateReasons: string[];
}

/** Compares the sink's sessions and funnel with the tally's; `undefined` when there is nothing to compare. */
export function clickSessionsCheck(input: {
  readonly pipeline: DemoPipeline;
  readonly expectation: Expectation;
  readonly observed: {
    readonly clickSessions?: ObservedClickSessions;
    readonly deadLetters: readonly DeadLetterMessage[];
  };
}): ClickSessionFindings | undefined {
  const observed = input.observed.clickSessions;
  const expected = expectClickSessions(input.pipeline, input.expectation, input.observed.deadLetters);
  const mapping = input.pipeline.dynamodb.sessions;
  if (!observed || !expected || !mapping) return undefined;
  const findings: ClickSessionFindings = {
    expected: expected.events,
    missing: [],
    extra: [],
    unverified: [],
    differences: [],
    deadLettered: 0,
    lateReasons: [],
  };
  const closedStarts = new Set<string>();
  for (const [user, sessions] of expected.sessions) {
    const got = observed.users.get(user) ?? { closed: [], open: [] };
    const matched = new Set<number>();
    for (const e of sessions) {
      const where = `user ${user} session ${new Date(e.start).toISOString()}`;
      const closed = got.closed.find((s) => s.start === e.start);
      const found = closed ?? got.open.find((s) => s.start === e.start);
      if (!found) {
        findings.missing.push({
          events: e.pages,
          among: e.eventIds,
          example: `${where} (${e.pages} pages) absent`,
        });
        continue;
      }
      matched.add(e.start);
      const text = `${where}: ${found.pages} pages, expected ${e.pages}`;
      if (found.pages < e.pages)
        findings.missing.push({ events: e.pages - found.pages, among: e.eventIds, example: text });
      else if (found.pages > e.pages)
        findings.extra.push({ events: found.pages - e.pages, among: e.eventIds, example: text });
      else if (found.end !== e.end)
        findings.differences.push(
          `${where} ends ${new Date(found.end).toISOString()}, expected ${new Date(e.end).toISOString()}`,
        );
      else if (closed && closed.durationMs !== e.end - e.start)
        findings.differences.push(`${where} lasts ${closed.durationMs} ms, expected ${e.end - e.start} ms`);
      if (closed) closedStarts.add(`${user}\u0000${e.start}`);
      else
        findings.unverified.push({
          ids: e.eventIds,
          example: `${where} still open at the end of the run (not written yet)`,
        });
    }
    for (const s of got.closed)
      if (!matched.has(s.start))
        findings.differences.push(
          `user ${user}: a session from ${new Date(s.start).toISOString()} (${s.pages} pages) no view explains`,
        );
  }
  const letters = lateLetters(input.observed.deadLetters);
  for (const click of expected.late) {
    const letter = letters.get(click.eventId);
    if (!letter) {
      findings.missing.push({
        events: 1,
        among: [click.eventId],
        example: `view ${click.eventId} of user ${click.userId}, older than the lateness, is in no dead-letter queue as ${LATE_EVENT_ERROR}`,
      });
      continue;
    }
    findings.deadLettered += 1;
    findings.lateReasons.push(`${click.eventId}: ${letter.reason ?? letter.errorType}`);
  }
  for (const { click, letter } of expected.lateBySink) {
    findings.deadLettered += 1;
    findings.lateReasons.push(
      `${click.eventId} (sent in time; the sink read it more than the lateness behind the user's later views): ${letter.reason ?? letter.errorType}`,
    );
  }
  for (const [day, e] of expected.days) {
    // A day's counters include a session only once it is closed: compared when all of the day's are.
    if (!e.starts.every(({ user, start }) => closedStarts.has(`${user}\u0000${start}`))) continue;
    const got = observed.dayCounts.get(day) ?? { sessions: 0, pages: 0, durationMs: 0 };
    const text = `${day} counts: ${got.sessions} sessions, ${got.pages} pages, ${got.durationMs} ms; expected ${e.sessions}, ${e.pages}, ${e.durationMs}`;
    if (got.pages < e.pages)
      findings.missing.push({ events: e.pages - got.pages, among: e.eventIds, example: text });
    else if (got.pages > e.pages)
      findings.extra.push({ events: got.pages - e.pages, among: e.eventIds, example: text });
    else if (got.sessions !== e.sessions || got.durationMs !== e.durationMs) findings.differences.push(text);
  }
  const steps = mapping.funnel?.steps ?? [];
  for (const [day, e] of expected.funnels) {
    const got = observed.funnels.get(day) ?? {};
    steps.forEach((step, i) => {
      const want = e.users[i] ?? 0;
      const have = got[step] ?? 0;
      const text = `${day} funnel ${step}: ${have} users, expected ${want}`;
      if (have < want) findings.missing.push({ events: want - have, among: e.eventIds, example: text });
      else if (have > want) findings.extra.push({ events: have - want, among: e.eventIds, example: text });
    });
  }
  return findings;
}
