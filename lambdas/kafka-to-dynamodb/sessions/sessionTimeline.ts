/**
 * The `sessions` mode's pure logic: page views folded into a user's timeline (sessions split by an
 * inactivity gap, funnel progress), closing what no acceptable event can change any more. Events may
 * arrive in any order within the allowed lateness and give the same sessions and counts; older ones are
 * reported late. The rules and why they are exact: docs/sinks/dynamodb.md, "Sessions and funnels".
 */
import { funnelReach, utcDay } from './funnelReach';
import type {
  DayCounts,
  FoldResult,
  PageView,
  Session,
  StepEvent,
  TimelineRules,
  UserTimeline,
} from './types';

const DAY_MS = 86_400_000;

/** The timeline of a user never seen. */
export const EMPTY_TIMELINE: UserTimeline = {
  closedThrough: null,
  maxTs: null,
  open: [],
  steps: [],
  reached: {},
};

function dayCounts(counts: Map<string, DayCounts>, day: string, stepCount: number): DayCounts {
  let found = counts.get(day);
  if (!found) {
    found = { sessions: 0, pages: 0, durationMs: 0, funnel: new Array<number>(stepCount).fill(0) };
    counts.set(day, found);
  }
  return found;
}

/** Adds one page view to the open sessions: it joins (and may bridge) every session within a gap of it. */
function place(open: readonly Session[], ts: number, gapMs: number): Session[] {
  let merged: Session = { start: ts, end: ts, pages: 1 };
  const rest: Session[] = [];
  for (const s of open) {
    if (ts >= s.start - gapMs && ts <= s.end + gapMs) {
      merged = {
        start: Math.min(merged.start, s.start),
        end: Math.max(merged.end, s.end),
        pages: merged.pages + s.pages,
      };
    } else rest.push(s);
  }
  return [...rest, merged].sort((a, b) => a.start - b.start);
}

interface Draft {
  closedThrough: number | null;
  maxTs: number | null;
  open: Session[];
  steps: StepEvent[];
  readonly reached: Readonly<Record<string, number>>;
}

/** Closes the sessions no event at or after `closedThrough` can reach. */
function settle(draft: Draft, rules: TimelineRules): FoldResult['closed'] {
  const through = draft.closedThrough;
  if (through === null) return [];
  const closed = draft.open.filter((s) => s.end + rules.gapMs < through);
  draft.open = draft.open.filter((s) => s.end + rules.gapMs >= through);
  return closed;
}

function finish(
  draft: Draft,
  closed: readonly Session[],
  late: FoldResult['late'],
  rules: TimelineRules,
  stepCount: number,
): FoldResult {
  const counts = new Map<string, DayCounts>();
  for (const s of closed) {
    const day = dayCounts(counts, utcDay(s.start), stepCount);
    day.sessions += 1;
    day.pages += s.pages;
    day.durationMs += s.end - s.start;
  }
  let reached: Record<string, number> = { ...draft.reached };
  if (stepCount > 0 && rules.funnelWindowMs !== undefined) {
    const now = funnelReach(draft.steps, stepCount, rules.funnelWindowMs);
    for (const [day, depth] of Object.entries(now)) {
      const before = reached[day] ?? 0;
      if (depth <= before) continue;
      const funnel = dayCounts(counts, day, stepCount).funnel;
      for (let step = before; step < depth; step++) funnel[step] = (funnel[step] ?? 0) + 1;
      reached[day] = depth;
    }
    const through = draft.closedThrough;
    if (through !== null) {
      // Only now, after counting them: a step before the horizon can join no chain with an acceptable event,
      // and a day's chains all start inside it, so once the day ends before the horizon none can grow.
      const horizon = through - rules.funnelWindowMs;
      draft.steps = draft.steps.filter((e) => e.ts >= horizon);
      reached = Object.fromEntries(
        Object.entries(reached).filter(([day]) => Date.parse(`${day}T00:00:00Z`) + DAY_MS > horizon),
      );
    }
  }
  return {
    timeline: {
      closedThrough: draft.closedThrough,
      maxTs: draft.maxTs,
      open: draft.open,
      steps: draft.steps,
      reached,
    },
    closed: [...closed].sort((a, b) => a.start - b.start),
    late,
    counts,
  };
}

/**
 * Folds page views (in arrival order) into a user's timeline: each view joins its session, the
 * user's lateness horizon (`closedThrough`) follows the latest event time, and sessions a gap before it
 * close. A view older than the horizon is reported late and changes nothing.
 *
 * @example
 * ```ts
 * const rules = { gapMs: 1_800_000, latenessMs: 300_000 };
 * const { timeline, closed } = foldPageViews(EMPTY_TIMELINE, [{ ts: t }, { ts: t + 7_200_000 }], rules, 0);
 * // closed: the session at t (the second view is 2 h later: gap and lateness have passed)
 * ```
 */
export function foldPageViews(
  timeline: UserTimeline,
  views: readonly PageView[],
  rules: TimelineRules,
  stepCount: number,
): FoldResult {
  const draft: Draft = { ...timeline, open: [...timeline.open], steps: [...timeline.steps] };
  const closed: Session[] = [];
  const late: { index: number; closedThrough: number }[] = [];
  views.forEach((view, index) => {
    if (draft.closedThrough !== null && view.ts < draft.closedThrough) {
      late.push({ index, closedThrough: draft.closedThrough });
      return;
    }
    draft.open = place(draft.open, view.ts, rules.gapMs);
    if (view.step !== undefined) draft.steps.push({ ts: view.ts, step: view.step });
    draft.maxTs = Math.max(draft.maxTs ?? view.ts, view.ts);
    const horizon = draft.maxTs - rules.latenessMs;
    draft.closedThrough = Math.max(draft.closedThrough ?? horizon, horizon);
    closed.push(...settle(draft, rules));
  });
  draft.steps.sort((a, b) => a.ts - b.ts || a.step - b.step);
  return finish(draft, closed, late, rules, stepCount);
}

/**
 * The schedule's close: the sessions whose gap and lateness have passed by `now` (wall clock), provided
 * the user's last event was processed at least the lateness ago (so events still on their way, such as the
 * rest of a replayed burst, are not cut off). The horizon moves just past the closed sessions' gap.
 *
 * @example
 * ```ts
 * const { closed } = closeIdleSessions(timeline, Date.now(), lastEventProcessedAt, rules, 4);
 * ```
 */
export function closeIdleSessions(
  timeline: UserTimeline,
  now: number,
  lastProcessedAt: number,
  rules: TimelineRules,
  stepCount: number,
): FoldResult {
  const draft: Draft = { ...timeline, open: [...timeline.open], steps: [...timeline.steps] };
  if (now - lastProcessedAt < rules.latenessMs) return finish(draft, [], [], rules, stepCount);
  const due = draft.open.filter((s) => s.end + rules.gapMs < now - rules.latenessMs);
  if (due.length === 0) return finish(draft, [], [], rules, stepCount);
  const through = Math.max(...due.map((s) => s.end + rules.gapMs + 1));
  draft.closedThrough = Math.max(draft.closedThrough ?? through, through);
  const closed = settle(draft, rules);
  return finish(draft, closed, [], rules, stepCount);
}

/**
 * When the schedule could next close a session of this timeline (epoch ms), or `undefined` with none open:
 * the first session's gap plus the lateness after its end, and the lateness after the last processing.
 */
export function nextCloseDue(
  timeline: UserTimeline,
  lastProcessedAt: number,
  rules: TimelineRules,
): number | undefined {
  const first = timeline.open[0];
  if (!first) return undefined;
  return Math.max(first.end + rules.gapMs + rules.latenessMs + 1, lastProcessedAt + rules.latenessMs);
}
