/**
 * Cache entry versions: non-negative integers of any length (DynamoDB sequence numbers reach 40 digits),
 * kept as canonical decimal strings (no leading zeros) and compared by length, then digit by digit — the
 * same rule the apply script uses, so the batch compaction and Redis agree on which version is newer.
 *
 * @example
 * ```ts
 * isNewerVersion('1000', '999'); // true
 * versionText(42); // '42'
 * ```
 */
import { readField } from '../../config/keyTemplate';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';

const DIGITS = /^\d+$/;
const ZERO = '0'.charCodeAt(0);

/** True when `a` is a higher version than `b` (both canonical). */
export function isNewerVersion(a: string, b: string): boolean {
  if (a.length !== b.length) return a.length > b.length;
  return a > b;
}

/** The canonical text of a version value, or `undefined` when it is not a non-negative integer. */
export function versionText(value: unknown): string | undefined {
  let text: string | undefined;
  if (typeof value === 'number') text = Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  else if (typeof value === 'bigint') text = value >= 0n ? value.toString() : undefined;
  else if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'object' && value !== null && typeof (value as { $N?: unknown }).$N === 'string')
    text = (value as { $N: string }).$N;
  if (text === undefined || !DIGITS.test(text)) return undefined;
  return text.charCodeAt(0) === ZERO ? text.replace(/^0+(?=\d)/, '') : text;
}

/**
 * The version of an event for a cache mapping: the configured field, else the change envelope's source
 * sequence number. Throws a poison error when there is none or it is not a non-negative integer.
 */
export function eventVersion(event: SinkEvent, versionField: string | undefined): string {
  const raw = versionField === undefined ? event.version : readField(event.fields, versionField);
  const source =
    versionField === undefined ? 'the change envelope sequence number' : `field "${versionField}"`;
  if (raw === undefined || raw === null) {
    throw new PoisonRecordError(
      POISON_KINDS.missingField,
      versionField === undefined
        ? 'a cache entry needs a version: this event is not a change envelope and the mapping has no versionField'
        : `${source} (the cache version) is missing`,
    );
  }
  const text = versionText(raw);
  if (text === undefined) {
    throw new PoisonRecordError(
      POISON_KINDS.wrongType,
      `${source} is not a non-negative integer version (got ${JSON.stringify(raw)})`,
    );
  }
  return text;
}
