/**
 * The demo's known clickstream journeys: a few users whose page views (with funnel steps) fall into
 * sessions separated by more than the inactivity gap, on a future UTC day of their own (derived from the
 * run tag, so no other run's sessions or funnel counts share it). One page view arrives out of order
 * within the lateness and one arrives too late; each journey's clicks are keyed by user, so they reach the
 * sink in the order listed here. Shapes come from the seed. docs/cli.md, "Known journeys", says why.
 *
 * @example
 * ```ts
 * const clicks = buildJourneys({ seed: 7, runTag: 'k3x9p', rules, pages }); // ClickEvent[] in send order
 * ```
 */
import { JOURNEYS } from './constants';
import { Prng } from './Prng';
import type { ClickEvent } from './types';

/** The `sessions` mapping's rules the journeys are shaped around. */
export interface JourneyRules {
  readonly gapSeconds: number;
  readonly latenessSeconds: number;
  /** Funnel steps in order (the first is a plain page view). */
  readonly steps: readonly string[];
}

export interface JourneyOptions {
  readonly seed: number;
  readonly runTag: string;
  readonly rules: JourneyRules;
  /** Page names to visit (run-tagged). */
  readonly pages: readonly string[];
}

const DAY_MS = 86_400_000;

/** FNV-1a of the run tag: picks the journeys' day. */
function tagHash(tag: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) hash = Math.imul(hash ^ tag.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Midnight (UTC, epoch ms) of the run's journey day. */
export function journeyDay(runTag: string): number {
  return JOURNEYS.firstDayMs + (tagHash(runTag) % JOURNEYS.days) * DAY_MS;
}

/** The end of the run's journey day, or now if later: the clock at which every journey session is due to close. */
export function journeyDayEnd(runTag: string, now = Date.now()): number {
  return Math.max(now, journeyDay(runTag) + DAY_MS);
}

/** The journeys' clicks in the order they are to be sent. */
export function buildJourneys(options: JourneyOptions): ClickEvent[] {
  const { rules, runTag } = options;
  const rng = new Prng(options.seed ^ JOURNEYS.seedSalt);
  const gapMs = rules.gapSeconds * 1000;
  const latenessMs = rules.latenessSeconds * 1000;
  const clicks: ClickEvent[] = [];
  for (let user = 1; user <= JOURNEYS.users; user++) {
    const userId = `${runTag}-j${String(user).padStart(2, '0')}`;
    let n = 0;
    const click = (ts: number, action: string): ClickEvent => ({
      kind: 'click',
      eventId: `${userId}-${String(++n).padStart(3, '0')}`,
      page: rng.pick(options.pages),
      userId,
      quantity: 0,
      ts,
      action,
    });
    const mine: ClickEvent[] = [];
    let ts = journeyDay(runTag) + JOURNEYS.startHourMs + rng.int(0, 3_600) * 1000;
    const sessions = rng.int(1, JOURNEYS.maxSessions);
    for (let s = 0; s < sessions; s++) {
      if (s > 0) ts += gapMs + rng.int(JOURNEYS.minExtraGapSeconds, JOURNEYS.maxExtraGapSeconds) * 1000;
      // The first user's first session gets three views at least: its second one is sent out of order.
      const pages = rng.int(user === 1 && s === 0 ? 3 : 2, JOURNEYS.maxPages);
      const depth = rng.int(1, rules.steps.length);
      for (let p = 0; p < pages; p++) {
        const outOfOrder = user === 1 && s === 0 && p === 2;
        if (p > 0)
          ts += outOfOrder
            ? latenessMs / 2
            : rng.int(JOURNEYS.minPageSeconds, JOURNEYS.maxPageSeconds) * 1000;
        mine.push(click(ts, rules.steps[Math.min(p, depth - 1)] as string));
      }
    }
    if (user === 1) {
      // Out of order within the lateness: the second view is sent after the third, half the lateness later.
      const [second, third] = mine.splice(1, 2) as [ClickEvent, ClickEvent];
      mine.splice(1, 0, third, second);
    }
    if (user === 2) {
      // Too late: older than the user's latest view by more than the lateness, sent after it.
      const last = mine[mine.length - 1] as ClickEvent;
      mine.push(click(last.ts - latenessMs - JOURNEYS.tooLateBySeconds * 1000, rules.steps[0] as string));
    }
    clicks.push(...mine);
  }
  return clicks;
}
