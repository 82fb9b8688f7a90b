/**
 * The general writer of envelope image text: the same bytes as `JSON.stringify(toJsonItem(item))`, written
 * straight from the DynamoDB attribute values, one type dispatch per value. It is the plain path of
 * `STREAMBRIDGE_ENVELOPE_WRITER=general`, and what the compiled shape writers fall back to
 * (compiledItemText.ts; docs/handlers.md, "Change bridge and envelope writer").
 */
import { ATTRIBUTE_TEXT, VALUE_TAGS as TAG, TAG_NAMES } from './constants';
import { decodeError } from './errors';
import { isPlainObject, toJsonItem } from './losslessMapping';

/**
 * Whether JSON writes `text` as it is between quotes: no quote, backslash, control character or surrogate
 * (a loop over the char codes: for the short strings of items it costs less than a regular expression).
 */
export function isPlainString(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/**
 * The JSON text of a string, the same as `JSON.stringify(text)`; plain strings (most names and values)
 * skip the serializer, which costs more than the string itself for short ones.
 *
 * @example
 * ```ts
 * jsonString('a"b'); // '"a\\"b"'
 * ```
 */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * Whether `text` is `0` or an integer of 1 to 15 digits without leading zeros (`-?[1-9]\d{0,14}`), checked
 * by a loop over the char codes: for these short texts it costs less than a regular expression.
 */
function isShortIntegerText(text: string): boolean {
  const length = text.length;
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  const digits = length - start;
  if (digits < 1 || digits > 15) return false;
  const first = text.charCodeAt(start);
  if (first === 48) return length === 1;
  if (first < 49 || first > 57) return false;
  for (let i = start + 1; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * A decimal with at most 15 significant digits in canonical form (no leading zeros, no trailing zeros after
 * the point, at most 5 zeros after "0.", so JavaScript prints it in fixed notation): any two such decimals
 * are distinct doubles (15 = DBL_DIG), so `String(Number(text)) === text` and the text is written as is.
 * The length bound (16 with the point, 17 with a sign) caps the digits at 15.
 */
const SHORT_DECIMAL_TEXT = /^-?(?:[1-9]\d*\.\d*[1-9]|0\.0{0,5}[1-9](?:\d*[1-9])?)$/;

/**
 * A DynamoDB number's envelope JSON text (see `numberToJson` in losslessMapping.ts), undefined when `value`
 * is not a number's text.
 */
export function numberJsonText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Most numbers are integers of at most 15 digits: valid, exact, and written as they are.
  if (isShortIntegerText(value)) return value;
  return ATTRIBUTE_TEXT.number.test(value) ? longNumberJsonText(value) : undefined;
}

function longNumberJsonText(text: string): string {
  if (text.length <= (text.charCodeAt(0) === 45 ? 17 : 16) && SHORT_DECIMAL_TEXT.test(text)) return text;
  const value = Number(text);
  if (String(value) === text && (!Number.isInteger(value) || Number.isSafeInteger(value))) return text;
  return `{"${TAG.number}":"${text}"}`;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

function startsWithDigit(name: string): boolean {
  const code = name.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function isArrayIndex(name: string): boolean {
  return ARRAY_INDEX.test(name) && Number(name) < 4_294_967_295;
}

/**
 * Member order of an envelope map: JavaScript objects (and so `JSON.stringify` of `toJsonItem`) list
 * array-index names first in numeric order, then the others in the order they were added (sorted there).
 */
export function sortedMemberOrder(names: readonly string[]): string[] {
  const sorted = [...names].sort();
  if (!sorted.some(startsWithDigit)) return sorted;
  const indexes = sorted.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...sorted.filter((name) => !isArrayIndex(name))];
}

/**
 * The general writer's member orders, remembered per shape (the same names listed in the same order),
 * found by the first name and checked name by name before reuse.
 */
const ORDERS = new Map<string, { readonly names: readonly string[]; readonly ordered: string[] }>();
const MAX_CACHED_ORDERS = 1_000;

function memberOrder(names: string[]): readonly string[] {
  if (names.length < 2) return names;
  const first = names[0] as string;
  const cached = ORDERS.get(first);
  if (cached && cached.names.length === names.length && cached.names.every((name, i) => name === names[i])) {
    return cached.ordered;
  }
  const ordered = sortedMemberOrder(names);
  if (cached || ORDERS.size < MAX_CACHED_ORDERS) ORDERS.set(first, { names, ordered });
  return ordered;
}

/** `"name":` texts, cached: items of a table repeat the same few names in every record. */
const MEMBER_NAMES = new Map<string, string>();
const MAX_CACHED_NAMES = 10_000;

export function memberName(name: string): string {
  let text = MEMBER_NAMES.get(name);
  if (text === undefined) {
    text = `${jsonString(name)}:`;
    if (MEMBER_NAMES.size < MAX_CACHED_NAMES) MEMBER_NAMES.set(name, text);
  }
  return text;
}

/**
 * The writers keep no attribute paths (building them for every value would cost more than the writing):
 * they throw this marker at the first invalid value, and {@link itemTextWith} then runs the object mapping,
 * whose validation is the same, to report the problem with its path.
 */
const INVALID = Symbol('invalid attribute value');

type Attribute = Record<string, unknown>;

export function isAttribute(value: unknown): value is Attribute {
  return typeof value === 'object' && value !== null;
}

/** The number of enumerable names (counted without building a list of them). */
export function memberCount(value: object): number {
  let count = 0;
  for (const _name in value) count++;
  return count;
}

/** The text being written; the general writer is synchronous, so one module-level buffer serves it. */
let out = '';

export const isString = (text: unknown): boolean => typeof text === 'string';
export const isNumberText = (text: unknown): boolean =>
  typeof text === 'string' && ATTRIBUTE_TEXT.number.test(text);
export const isBase64 = (text: unknown): boolean =>
  typeof text === 'string' && ATTRIBUTE_TEXT.base64.test(text);

/** A set's text (SS, NS, BS): each element checked, written as a JSON string, in the tagged list. */
export function textListText(
  list: readonly unknown[],
  open: string,
  valid: (text: unknown) => boolean,
): string {
  let text = open;
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    if (!valid(element)) throw INVALID;
    if (i > 0) text += ',';
    text += jsonString(element as string);
  }
  return `${text}]}`;
}

/** The three sets: the text that opens the tagged list, and the element check. */
export const TEXT_SETS = {
  SS: { open: `{"${TAG.stringSet}":[`, valid: isString },
  NS: { open: `{"${TAG.numberSet}":[`, valid: isNumberText },
  BS: { open: `{"${TAG.binarySet}":[`, valid: isBase64 },
} as const;

function writeValue(attribute: unknown): void {
  // An array gets no type here ('0' is none), so no separate array check is needed.
  if (!isAttribute(attribute)) throw INVALID;
  let type: string | undefined;
  for (const name in attribute) {
    if (type !== undefined) throw INVALID;
    type = name;
  }
  const value = type === undefined ? undefined : attribute[type];
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw INVALID;
      out += jsonString(value);
      return;
    case 'N': {
      const text = numberJsonText(value);
      if (text === undefined) throw INVALID;
      out += text;
      return;
    }
    case 'BOOL':
      if (typeof value !== 'boolean') throw INVALID;
      out += value ? 'true' : 'false';
      return;
    case 'NULL':
      if (value !== true) throw INVALID;
      out += 'null';
      return;
    case 'B':
      if (!isBase64(value)) throw INVALID;
      out += `{"${TAG.binary}":"${value}"}`;
      return;
    case 'SS':
    case 'NS':
    case 'BS': {
      if (!Array.isArray(value)) throw INVALID;
      const set = TEXT_SETS[type];
      out += textListText(value, set.open, set.valid);
      return;
    }
    case 'L':
      if (!Array.isArray(value)) throw INVALID;
      out += '[';
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ',';
        writeValue(value[i]);
      }
      out += ']';
      return;
    case 'M': {
      if (!isPlainObject(value)) throw INVALID;
      const names = Object.keys(value);
      const wrap = isTagLike(names);
      if (wrap) out += `{"${TAG.map}":`;
      writeMap(value, names);
      if (wrap) out += '}';
      return;
    }
    default:
      throw INVALID;
  }
}

/** A map whose only member is named like a tag would read back as a tagged value: it gets `$M`. */
export function isTagLike(names: readonly string[]): boolean {
  return names.length === 1 && TAG_NAMES.has(names[0] as string);
}

function writeMap(map: Record<string, unknown>, names: string[]): void {
  out += '{';
  let first = true;
  for (const name of memberOrder(names)) {
    if (!first) out += ',';
    first = false;
    out += memberName(name);
    writeValue(map[name]);
  }
  out += '}';
}

/** One attribute value's text by the general writer (a compiled writer's way out). */
export function generalValueText(attribute: unknown): string {
  const outer = out;
  out = '';
  try {
    writeValue(attribute);
    return out;
  } finally {
    out = outer;
  }
}

/** Writes an item (a plain object) as text, throwing the invalid-value marker at its first invalid value. */
export type ItemWriter = (item: Record<string, unknown>) => string;

/** An item's text by the general writer. */
export const generalItemText: ItemWriter = (item) => {
  out = '';
  writeMap(item, Object.keys(item));
  return out;
};

/** An envelope image's text writer: the general one ({@link jsonItemText}) or the compiled one. */
export type ItemTextWriter = (item: unknown, path?: string) => string;

/**
 * The text of `toJsonItem(item, path)` written by `write`: the same errors, with the same paths (an
 * invalid value is reported by the object mapping, which names it).
 */
export function itemTextWith(write: ItemWriter, item: unknown, path: string): string {
  if (!isPlainObject(item)) throw decodeError(path, 'is not a map of attributes');
  try {
    return write(item);
  } catch (error) {
    if (error !== INVALID) throw error;
    toJsonItem(item, path);
    throw decodeError(path, 'has an invalid attribute value');
  } finally {
    out = '';
  }
}

/**
 * The JSON text of `toJsonItem`, written by the general writer; the same errors, with the same paths.
 *
 * @example
 * ```ts
 * jsonItemText({ n: { N: '12345678901234567890' }, id: { S: 'a' } }); // '{"id":"a","n":{"$N":"12345678901234567890"}}'
 * ```
 */
export const jsonItemText: ItemTextWriter = (item, path = 'item') =>
  itemTextWith(generalItemText, item, path);
