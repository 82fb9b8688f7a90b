/**
 * The mark of a replay invocation (`streambridge replay`): a top-level field no event source ever sends.
 * A sink handler given a marked event applies records at or below its watermark when its owed ledger owes
 * them, sends no dead letters (the failure record stays where it is until the replay succeeds) and answers
 * with a {@link ReplayReport} next to the partial batch response. See docs/handlers.md, "Replay".
 */

/** The event field that marks a replay. */
export const REPLAY_EVENT_FIELD = 'streambridgeReplay';

/** What the mark says: where the replayed failure record came from and its id (S3 key, dead-letter id). */
export interface ReplayMark {
  readonly source: 's3' | 'dlq';
  readonly id: string;
}

/** A record a replay could not apply, with why. */
export interface ReplayFailure {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly reason: string;
}

/** What a sink did with a replayed batch. */
export interface ReplayReport {
  /** Records applied now (owed ones, or ones the watermark had not reached). */
  readonly applied: number;
  /** Records skipped: at or below the watermark and not owed (applied before). */
  readonly skipped: number;
  /**
   * Of the skipped, those below a watermark that keeps no owed ledger (the sink cannot tell whether they
   * were applied): the failure record is kept, reported "not replayable by this sink yet".
   */
  readonly notReplayable?: number;
  /** Records that still fail (poison, refused writes, a failed partition from its failed offset on). */
  readonly failed: readonly ReplayFailure[];
}

/**
 * The replay mark of an invocation's event, if it has one.
 *
 * @example
 * ```ts
 * replayMarkOf({ records: {}, streambridgeReplay: { source: 's3', id: 'aws/lambda/…' } }); // { source: 's3', … }
 * replayMarkOf(mskEvent); // undefined
 * ```
 */
export function replayMarkOf(event: unknown): ReplayMark | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const mark = (event as Record<string, unknown>)[REPLAY_EVENT_FIELD];
  if (typeof mark !== 'object' || mark === null) return undefined;
  const { source, id } = mark as Record<string, unknown>;
  return (source === 's3' || source === 'dlq') && typeof id === 'string' ? { source, id } : undefined;
}

/** Marks `event` as a replay (a copy; the event itself is left alone). */
export function markReplay<E extends object>(
  event: E,
  mark: ReplayMark,
): E & { [REPLAY_EVENT_FIELD]: ReplayMark } {
  return { ...event, [REPLAY_EVENT_FIELD]: mark };
}
