/** Types of the `sessions` mode: a user's timeline (open sessions, funnel steps) and what folding events into it yields. */

/** A session of one user: first and last page view (event time, epoch ms) and how many page views it holds. */
export interface Session {
  readonly start: number;
  readonly end: number;
  readonly pages: number;
}

/** A funnel step event kept while a later event could still extend a chain that starts or passes through it. */
export interface StepEvent {
  readonly ts: number;
  /** Index of the step in the funnel's `steps` (0 = first step). */
  readonly step: number;
}

/**
 * What the sink keeps per user between batches (the user's state item): everything needed to place a
 * late event in its session and to know how far each day's funnel got, and nothing older.
 */
export interface UserTimeline {
  /** Events before this time (epoch ms) are rejected: every session that could hold them is closed. */
  readonly closedThrough: number | null;
  /** Latest event time seen. */
  readonly maxTs: number | null;
  /** Open sessions, by start, disjoint and more than a gap apart. */
  readonly open: readonly Session[];
  /** Funnel step events still inside the funnel window of an acceptable event, by time. */
  readonly steps: readonly StepEvent[];
  /** Per UTC day (`yyyy-MM-dd`, the day of a chain's first step): steps reached in order within the window. */
  readonly reached: Readonly<Record<string, number>>;
}

/** The time rules of a mapping, in milliseconds. */
export interface TimelineRules {
  readonly gapMs: number;
  readonly latenessMs: number;
  /** Funnel window (first step to last); absent without a funnel. */
  readonly funnelWindowMs?: number;
}

/** One page view to fold in: its event time and, when it is a funnel step, the step's index. */
export interface PageView {
  readonly ts: number;
  readonly step?: number;
}

/** Counter increments of one UTC day. */
export interface DayCounts {
  sessions: number;
  pages: number;
  durationMs: number;
  /** Users newly counted at each funnel step (index = step). */
  readonly funnel: number[];
}

/** What folding page views (or the schedule's close) into a timeline came to. */
export interface FoldResult {
  readonly timeline: UserTimeline;
  /** Sessions closed by this fold, by start. */
  readonly closed: readonly Session[];
  /** Indexes (into the folded views) of the views older than the lateness allows. */
  readonly late: readonly { readonly index: number; readonly closedThrough: number }[];
  /** Increments per UTC day: closed sessions by their start day, funnel steps by their chain's start day. */
  readonly counts: ReadonlyMap<string, DayCounts>;
}
