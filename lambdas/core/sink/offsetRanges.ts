/**
 * Ranges of Kafka offsets, both ends included, stored as `first-last` strings: the DynamoDB aggregate mode's
 * covered runs and the Redis sink's owed ledger both keep them so.
 *
 * @example
 * ```ts
 * const ranges = parseOffsetRanges(['5-9', 'junk']); // [{ first: 5, last: 9 }]
 * inOffsetRanges(ranges, 7); // true
 * formatOffsetRanges(ranges); // ['5-9']
 * ```
 */
export interface OffsetRange {
  readonly first: number;
  readonly last: number;
}

export function formatOffsetRanges(ranges: readonly OffsetRange[]): string[] {
  return ranges.map((range) => `${range.first}-${range.last}`);
}

/** Parses stored ranges; unreadable members are ignored. */
export function parseOffsetRanges(members: readonly string[]): OffsetRange[] {
  const ranges: OffsetRange[] = [];
  for (const member of members) {
    const match = /^(\d+)-(\d+)$/.exec(member);
    if (match) ranges.push({ first: Number(match[1]), last: Number(match[2]) });
  }
  return ranges;
}

/** Whether `offset` is in one of `ranges`. */
export function inOffsetRanges(ranges: readonly OffsetRange[], offset: number): boolean {
  return ranges.some((range) => offset >= range.first && offset <= range.last);
}
