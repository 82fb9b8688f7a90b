/**
 * `--as-of` of `streambridge local query order`: a version (`v3`, or an integer below 10^9, which no epoch
 * time of this century is), epoch seconds or milliseconds, or an ISO-8601 time.
 *
 * @example
 * ```ts
 * parseAsOf('3'); // { version: 3 }
 * parseAsOf('2026-11-26T09:00:00Z'); // { at: 1795683600000 }
 * parseAsOf('1795683600'); // { at: 1795683600000 }
 * ```
 */
import { toEpochMillis } from '../../config/keyTemplate';
import type { AsOf } from '../../lambdas/kafka-to-dynamodb/stateAsOf';
import { DemoArgumentError } from './errors';

/** Integers below this are versions; from it on, epoch seconds (then milliseconds from 10^11). */
const FIRST_EPOCH = 1_000_000_000;

export function parseAsOf(text: string): AsOf {
  const version =
    /^v(\d+)$/i.exec(text)?.[1] ?? (/^\d+$/.test(text) && Number(text) < FIRST_EPOCH ? text : undefined);
  if (version !== undefined) {
    const n = Number(version);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new DemoArgumentError(`--as-of version must be ≥ 1 (got "${text}")`);
    return { version: n };
  }
  const at = /^\d+$/.test(text)
    ? toEpochMillis(Number(text))
    : /\d{4}-\d{2}-\d{2}/.test(text)
      ? toEpochMillis(text)
      : undefined;
  if (at === undefined)
    throw new DemoArgumentError(
      `--as-of takes a version (v3), epoch seconds or milliseconds, or an ISO-8601 time (got "${text}")`,
    );
  return { at };
}
