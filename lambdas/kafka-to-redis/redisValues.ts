/**
 * How event values become Redis strings: hash fields and stream entries carry an event's top-level
 * fields, strings as they are and everything else as JSON (a tagged big number as its digits); string
 * values, list entries and cache entries are the event's JSON.
 *
 * @example
 * ```ts
 * fieldPairs({ page: 'home', n: 2, tags: ['a'] }); // ['page', 'home', 'n', '2', 'tags', '["a"]']
 * ```
 */

function isTaggedNumber(value: unknown): value is { $N: string } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$N' && typeof (value as { $N: unknown }).$N === 'string';
}

/** The Redis text of one field value. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (isTaggedNumber(value)) return value.$N;
  return JSON.stringify(value) ?? 'null';
}

/** An event's top-level fields as `field, value, field, value, …`. */
export function fieldPairs(fields: Readonly<Record<string, unknown>>): string[] {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    pairs.push(name, fieldText(value));
  }
  return pairs;
}
