/** Field readers shared by the two record decoders; each failure names the field. */
import { MICROS_PER_TIME_UNIT, TTL_IDENTITY } from './constants';
import { decodeError } from './errors';
import type { ChangeEventName } from './types';

type Obj = Record<string, unknown>;

export function objectField(obj: Obj, name: string, path: string): Obj {
  const value = obj[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw decodeError(`${path}.${name}`, 'is missing or not an object');
  }
  return value as Obj;
}

export function stringField(obj: Obj, name: string, path: string): string {
  const value = obj[name];
  if (typeof value !== 'string' || value === '') {
    throw decodeError(`${path}.${name}`, 'is missing or not a string');
  }
  return value;
}

export function eventNameOf(value: unknown, path: string): ChangeEventName {
  if (value === 'INSERT' || value === 'MODIFY' || value === 'REMOVE') return value;
  throw decodeError(path, `${JSON.stringify(value)} is not INSERT, MODIFY or REMOVE`);
}

export function isTtlDelete(eventName: ChangeEventName, userIdentity: unknown): boolean {
  if (eventName !== 'REMOVE' || typeof userIdentity !== 'object' || userIdentity === null) return false;
  const identity = userIdentity as Obj;
  return identity.type === TTL_IDENTITY.type && identity.principalId === TTL_IDENTITY.principalId;
}

/**
 * `ApproximateCreationDateTime` in microseconds. `precision` is the record's
 * `ApproximateCreationDateTimePrecision`; when absent, `fallback` applies (`SECOND` for DynamoDB Streams,
 * `INFER` on Kinesis: ≥ 1e14 is µs, ≥ 1e11 is ms, else seconds).
 */
export function changeTimeMicros(value: unknown, precision: unknown, fallback: 'SECOND' | 'INFER'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw decodeError('dynamodb.ApproximateCreationDateTime', `${JSON.stringify(value)} is not a time`);
  }
  if (precision !== undefined && precision !== null) {
    const unit = MICROS_PER_TIME_UNIT[precision as keyof typeof MICROS_PER_TIME_UNIT];
    if (unit === undefined) {
      throw decodeError(
        'dynamodb.ApproximateCreationDateTimePrecision',
        `${JSON.stringify(precision)} is not MILLISECOND or MICROSECOND`,
      );
    }
    return Math.round(value * unit);
  }
  if (fallback === 'SECOND' || value < 1e11) return Math.round(value * 1_000_000);
  return value < 1e14 ? Math.round(value * 1_000) : Math.round(value);
}
