/**
 * The state of an entity as of a version or a time, folded from its history entries (the history table's
 * items as readers see them): from the newest snapshot at or below the selected version, the changes after
 * it, in version order, under the mapping's reducer. Pure: `readStateHistory.ts` does the reading; the CLI
 * (`streambridge local query order <id> --as-of`) and the demo's verifier both fold through here.
 */

/** One version of an entity's history: plain JSON, numbers as the change envelope writes them. */
export interface HistoryEntry {
  readonly version: number;
  /** Event time, epoch ms. */
  readonly at: number;
  readonly eventId?: string;
  /** Who made the change (the mapping's `actorField`), when known. */
  readonly actor?: string;
  /** What the change was (the mapping's `causeField`, else `INSERT`/`MODIFY`/`event`). */
  readonly cause?: string;
  /** Where it came from: `dynamodb:<table>:<event id>` or `kafka:<topic>/<partition>/<offset>`. */
  readonly source?: string;
  /** The event's fields. */
  readonly change: Readonly<Record<string, unknown>>;
  /** The whole state after this version, on snapshot versions. */
  readonly state?: Readonly<Record<string, unknown>>;
}

/** A version (the newest at or below it) or a time (the newest version whose event time is at or before it). */
export type AsOf = { readonly version: number } | { readonly at: number };

export interface StateAsOf {
  readonly version: number;
  /** Event time of that version, epoch ms. */
  readonly at: number;
  readonly state: Record<string, unknown>;
  /** Changes folded on top of the snapshot (or of nothing, from version 1). */
  readonly folded: number;
}

export interface FoldOptions {
  /** The state mapping's reducer (default `merge`). */
  readonly reducer?: 'merge' | 'replace';
  /** The entity's key attributes, set on the state as the sink sets them on the state item. */
  readonly key?: Readonly<Record<string, unknown>>;
}

/** The history lacks a version the fold needs (expired by TTL, or not written yet). */
export class HistoryGapError extends Error {
  readonly missing: number;

  constructor(missing: number, target: number) {
    super(`the history has no version ${missing}, needed for the state as of version ${target}`);
    this.name = 'HistoryGapError';
    this.missing = missing;
  }
}

/** Whether an entry satisfies an as-of (a version at or below it, or a time at or before it). */
export function isAtOrBefore(entry: Pick<HistoryEntry, 'version' | 'at'>, asOf: AsOf): boolean {
  return 'version' in asOf ? entry.version <= asOf.version : entry.at <= asOf.at;
}

/**
 * The version an as-of selects among history entries (in any order); `undefined` when none qualifies
 * (before the entity's first event).
 *
 * @example
 * ```ts
 * selectVersion(entries, { at: Date.parse('2026-11-26T09:00:00Z') }); // 3
 * ```
 */
export function selectVersion(entries: readonly HistoryEntry[], asOf: AsOf): number | undefined {
  let selected: number | undefined;
  for (const entry of entries) {
    if (isAtOrBefore(entry, asOf) && (selected === undefined || entry.version > selected)) {
      selected = entry.version;
    }
  }
  return selected;
}

/**
 * The state as of a version or a time; `undefined` before the entity's first event. Throws
 * {@link HistoryGapError} when a version between the snapshot and the selected one is missing.
 *
 * @example
 * ```ts
 * foldAsOf(entries, { version: 2 }); // { version: 2, at: …, state: { orderId: 'o-1', status: 'paid', … }, folded: 2 }
 * ```
 */
export function foldAsOf(
  entries: readonly HistoryEntry[],
  asOf: AsOf,
  options: FoldOptions = {},
): StateAsOf | undefined {
  const target = selectVersion(entries, asOf);
  if (target === undefined) return undefined;
  const byVersion = new Map<number, HistoryEntry>();
  for (const entry of entries) if (entry.version <= target) byVersion.set(entry.version, entry);
  let from = 0;
  let state: Record<string, unknown> = {};
  for (const entry of byVersion.values()) {
    if (entry.state && entry.version > from) {
      from = entry.version;
      state = { ...entry.state };
    }
  }
  for (let version = from + 1; version <= target; version++) {
    const entry = byVersion.get(version);
    if (!entry) throw new HistoryGapError(version, target);
    state = options.reducer === 'replace' ? { ...entry.change } : { ...state, ...entry.change };
  }
  if (options.key) Object.assign(state, options.key);
  const last = byVersion.get(target) as HistoryEntry;
  return { version: target, at: last.at, state, folded: target - from };
}
