/**
 * The aggregate mode's ledger of what an item has seen: per mapping and partition, the offset runs
 * (`first-last` strings) whose records of the item were added into it, plus a floor at or below which
 * nothing is known. An offset at or below the item's watermark and above the floor that no run covers was
 * missed (a batch given up on, poison): a replay owes it to the item. Why: docs/handlers.md, "Replay and
 * the owed ledger".
 */
import type { OffsetRange } from '../core/sink/offsetRanges';

/** A run of offsets whose records were added into the item. */
export type OffsetRun = OffsetRange;

/** The runs `first..last` minus the `excluded` offsets (poison: owed, not covered). */
export function runsExcluding(first: number, last: number, excluded: readonly number[]): OffsetRun[] {
  const runs: OffsetRun[] = [];
  let from = first;
  for (const offset of [...new Set(excluded)].filter((o) => o >= first && o <= last).sort((a, b) => a - b)) {
    if (offset > from) runs.push({ first: from, last: offset - 1 });
    from = offset + 1;
  }
  if (from <= last) runs.push({ first: from, last });
  return runs;
}

/**
 * Runs sorted, overlapping and adjacent ones merged, and at most `cap` kept (the oldest dropped): the
 * floor rises to the last offset of the highest run dropped (below it the item no longer knows).
 *
 * @example
 * ```ts
 * compactRuns([{ first: 5, last: 9 }, { first: 0, last: 4 }, { first: 20, last: 29 }], -1, 1);
 * // { runs: [{ first: 20, last: 29 }], floor: 9 }
 * ```
 */
export function compactRuns(
  runs: readonly OffsetRun[],
  floor: number,
  cap: number,
): { runs: OffsetRun[]; floor: number } {
  const merged: OffsetRun[] = [];
  for (const run of [...runs].sort((a, b) => a.first - b.first)) {
    const previous = merged[merged.length - 1];
    if (previous && run.first <= previous.last + 1) {
      merged[merged.length - 1] = { first: previous.first, last: Math.max(previous.last, run.last) };
    } else merged.push(run);
  }
  const dropped = merged.length > cap ? merged.splice(0, merged.length - cap) : [];
  const last = dropped[dropped.length - 1];
  return { runs: merged, floor: last ? Math.max(floor, last.last) : floor };
}
