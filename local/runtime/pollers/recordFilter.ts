import { matchesPattern } from '../../../config/filterPattern';
import type { FilterPattern } from '../../../config/types';

/**
 * Lambda event filtering: a record goes to the function when it matches any of the mapping's filters (up
 * to 5 patterns, OR-ed); with no filters every record goes. Records filtered out count as processed: the
 * checkpoint moves past them. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 *
 * @example
 * ```ts
 * matchesFilters({ data: { type: 'buy' } }, [{ data: { type: ['buy'] } }]); // true
 * ```
 */
export function matchesFilters(view: unknown, filters: readonly FilterPattern[]): boolean {
  return filters.length === 0 || filters.some((pattern) => matchesPattern(view, pattern));
}

/**
 * Decodes a payload for filtering: JSON when it parses, else the UTF-8 text for Kafka values (Kafka filters
 * may match plain strings) or nothing for Kinesis data (its filters need JSON; a record whose data is not
 * JSON never matches a `data` pattern). https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-filtering.html
 */
export function decodeForFilter(bytes: Buffer | null | undefined, keepPlainText: boolean): unknown {
  if (!bytes) return undefined;
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return keepPlainText ? text : undefined;
  }
}
