/**
 * The distinct events behind the verifier's findings. Details: docs/cli.md ("How the verifier reads the
 * sinks").
 *
 * @example
 * ```ts
 * eventUnion(['d1#5'], [{ events: 1, among: ['c1', 'c2'] }, { events: 1, among: ['c2', 'c3'] }]);
 * // Set { 'd1#5', 'c2' }
 * ```
 */

/** `events` of the candidates `among` (the events that contributed to one key of one check). */
export interface EventShortfall {
  readonly events: number;
  readonly among: readonly string[];
}

export function eventUnion(named: Iterable<string>, shortfalls: readonly EventShortfall[]): Set<string> {
  const chosen = new Set(named);
  const open = shortfalls.map((s) => {
    let covered = 0;
    for (const id of s.among) if (chosen.has(id)) covered += 1;
    return Math.max(0, s.events - covered);
  });
  // Each candidate's score: the open shortfalls it would reduce. Scores only fall, so a stale bucket entry
  // is moved down when popped (lazy) and the scan goes from the highest bucket down.
  const score = new Map<string, number>();
  const memberOf = new Map<string, number[]>();
  shortfalls.forEach((s, i) => {
    if ((open[i] ?? 0) === 0) return;
    for (const id of s.among) {
      if (chosen.has(id)) continue;
      score.set(id, (score.get(id) ?? 0) + 1);
      const member = memberOf.get(id);
      if (member) member.push(i);
      else memberOf.set(id, [i]);
    }
  });
  const buckets: string[][] = [];
  const put = (id: string, level: number) => {
    const bucket = buckets[level];
    if (bucket) bucket.push(id);
    else buckets[level] = [id];
  };
  for (const [id, n] of score) put(id, n);
  for (let level = buckets.length - 1; level > 0; ) {
    const id = buckets[level]?.pop();
    if (id === undefined) {
      level -= 1;
      continue;
    }
    if (chosen.has(id)) continue;
    const current = score.get(id) ?? 0;
    if (current !== level) {
      if (current > 0) put(id, current);
      continue;
    }
    chosen.add(id);
    for (const i of memberOf.get(id) ?? []) {
      const left = open[i] ?? 0;
      if (left === 0) continue;
      open[i] = left - 1;
      if (left - 1 > 0) continue;
      for (const other of shortfalls[i]?.among ?? [])
        if (!chosen.has(other)) score.set(other, (score.get(other) ?? 1) - 1);
    }
  }
  return chosen;
}
