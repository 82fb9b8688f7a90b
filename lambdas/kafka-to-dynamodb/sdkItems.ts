/**
 * Event fields → DynamoDB attribute values for the SDK, through the change envelope's lossless mapping
 * (`{"$N": "…"}` big numbers, `{"$B": "…"}` binary, `{"$SS": […]}` sets…), so a CDC replica holds exactly
 * the source item's values; and DynamoDB's item-size arithmetic, to dead-letter items it would refuse.
 *
 * @example
 * ```ts
 * toSdkItem({ id: 'a', big: { $N: '12345678901234567890' } }); // { id: { S: 'a' }, big: { N: '1234…' } }
 * itemSizeBytes({ id: { S: 'a' } }); // 3
 * ```
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromJsonItem } from '../core/envelope/losslessMapping';
import type { AttributeValue as WireValue } from '../core/envelope/types';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';

export type SdkItem = Record<string, AttributeValue>;

function toSdkValue(value: WireValue): AttributeValue {
  if ('B' in value) return { B: Buffer.from(value.B, 'base64') };
  if ('BS' in value) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  if ('SS' in value) return { SS: [...value.SS] };
  if ('NS' in value) return { NS: [...value.NS] };
  if ('L' in value) return { L: value.L.map(toSdkValue) };
  if ('M' in value) return { M: toSdkMap(value.M) };
  return value as AttributeValue;
}

function toSdkMap(map: Readonly<Record<string, WireValue>>): SdkItem {
  const out: SdkItem = {};
  for (const [name, value] of Object.entries(map)) out[name] = toSdkValue(value);
  return out;
}

/** Converts event fields (plain JSON or an envelope image) to an SDK item; throws a poison error when malformed. */
export function toSdkItem(fields: Readonly<Record<string, unknown>>, what = 'event'): SdkItem {
  try {
    return toSdkMap(fromJsonItem(fields, what));
  } catch (error) {
    throw new PoisonRecordError(POISON_KINDS.decode, (error as Error).message);
  }
}

/** Converts one JSON value (e.g. a key value of an envelope) to an attribute value. */
export function toSdkAttribute(value: unknown, what: string): AttributeValue {
  try {
    return toSdkValue(fromJsonItem({ value }, what).value as WireValue);
  } catch (error) {
    throw new PoisonRecordError(POISON_KINDS.decode, (error as Error).message);
  }
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** DynamoDB's size of a number: about one byte per two significant digits, plus one. */
function numberBytes(text: string): number {
  const digits = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + utf8Bytes(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + numberBytes(s), 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + itemSizeBytes(value.M) + Object.keys(value.M).length;
  return 1;
}

/**
 * The size DynamoDB counts for an item: attribute names plus values (per the "Item sizes and formats"
 * page of the DynamoDB developer guide). Items above 400 KB are refused by DynamoDB.
 */
export function itemSizeBytes(item: Readonly<SdkItem>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += utf8Bytes(name) + valueBytes(value);
  return total;
}
