/**
 * The lossless mapping between DynamoDB attribute values and the JSON of change envelopes, both ways.
 * The scheme is documented in `changeEnvelope.ts`; `fromJsonItem(toJsonItem(item))` gives back `item`
 * exactly (a property test proves it for any item).
 *
 * `jsonItemText` writes the same JSON text as `JSON.stringify(toJsonItem(item))` without building the
 * intermediate objects: the bridges use it when no governance hook needs the objects (a property test
 * holds the two byte-identical).
 *
 * @example
 * ```ts
 * toJsonItem({ id: { S: 'a' }, big: { N: '12345678901234567890' } }); // { big: { $N: '1234…' }, id: 'a' }
 * fromJsonItem({ id: 'a', n: 1.5 }); // { id: { S: 'a' }, n: { N: '1.5' } }
 * jsonItemText({ id: { S: 'a' } }); // '{"id":"a"}'
 * ```
 */
import { VALUE_TAGS as TAG, TAG_NAMES } from './constants';
import { decodeError } from './errors';
import type { AttributeMap, AttributeValue, JsonObject, JsonValue } from './types';

const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SHORT_INTEGER_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Mutable = Record<string, JsonValue>;

/** Sets an own member even when the name is `__proto__` (a plain assignment would change the prototype). */
function setMember<T>(target: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberText(value: unknown, path: string): string {
  if (typeof value !== 'string' || !NUMBER_TEXT.test(value)) {
    throw decodeError(path, `N ${JSON.stringify(value)} is not a number`);
  }
  return value;
}

function base64Text(value: unknown, path: string): string {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw decodeError(path, 'B is not base64');
  }
  return value;
}

function list<T>(value: unknown, path: string, type: string, each: (v: unknown, at: string) => T): T[] {
  if (!Array.isArray(value)) throw decodeError(path, `${type} is not a list`);
  const out = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = each(value[i], `${path}[${i}]`);
  return out;
}

function stringElement(value: unknown, at: string): string {
  if (typeof value !== 'string') throw decodeError(at, 'set element is not a string');
  return value;
}

/**
 * A DynamoDB number as JSON: a JSON number when its JavaScript/JSON text is exactly the DynamoDB text and,
 * when it is an integer, a safe one (|n| ≤ 2^53 − 1); otherwise `{"$N": text}`.
 */
export function numberToJson(text: string): number | { $N: string } {
  const value = Number(text);
  if (String(value) === text && (!Number.isInteger(value) || Number.isSafeInteger(value))) return value;
  return { [TAG.number]: text } as { $N: string };
}

/** Maps one attribute value to JSON; `path` names the attribute in error messages. */
export function toJsonValue(attribute: unknown, path: string): JsonValue {
  if (!isPlainObject(attribute)) throw decodeError(path, 'is not an attribute value');
  let type: string | undefined;
  for (const name in attribute) {
    if (type !== undefined) throw decodeError(path, `has more than one type (${type}, ${name})`);
    type = name;
  }
  const value = type === undefined ? undefined : attribute[type];
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw decodeError(path, 'S is not a string');
      return value;
    case 'N':
      return numberToJson(numberText(value, path));
    case 'BOOL':
      if (typeof value !== 'boolean') throw decodeError(path, 'BOOL is not true or false');
      return value;
    case 'NULL':
      if (value !== true) throw decodeError(path, 'NULL is not true');
      return null;
    case 'B':
      return { [TAG.binary]: base64Text(value, path) };
    case 'SS':
      return { [TAG.stringSet]: list(value, path, 'SS', stringElement) };
    case 'NS':
      return { [TAG.numberSet]: list(value, path, 'NS', numberText) };
    case 'BS':
      return { [TAG.binarySet]: list(value, path, 'BS', base64Text) };
    case 'L':
      return list(value, path, 'L', toJsonValue);
    case 'M': {
      if (!isPlainObject(value)) throw decodeError(path, 'M is not a map');
      const map = toJsonMap(value, path);
      return needsMapTag(map) ? { [TAG.map]: map } : map;
    }
    default:
      throw decodeError(path, type === undefined ? 'has no type' : `has unknown type ${type}`);
  }
}

/** A map whose only member is named like a tag would read back as a tagged value: it gets `$M`. */
function needsMapTag(map: JsonObject): boolean {
  let only: string | undefined;
  for (const name in map) {
    if (only !== undefined) return false;
    only = name;
  }
  return only !== undefined && TAG_NAMES.has(only);
}

/** Maps the members in sorted name order, so equal items give equal bytes whatever order they came in. */
function toJsonMap(map: Record<string, unknown>, path: string): JsonObject {
  const out: Mutable = {};
  for (const name of Object.keys(map).sort()) setMember(out, name, toJsonValue(map[name], `${path}.${name}`));
  return out;
}

/**
 * Maps a whole item (or key, or image) to a JSON object with sorted member names.
 *
 * @example
 * ```ts
 * toJsonItem({ tags: { SS: ['a', 'b'] } }, 'NewImage'); // { tags: { $SS: ['a', 'b'] } }
 * ```
 */
export function toJsonItem(item: unknown, path = 'item'): JsonObject {
  if (!isPlainObject(item)) throw decodeError(path, 'is not a map of attributes');
  return toJsonMap(item, path);
}

/** Strings JSON writes as they are between quotes: no quote, backslash, control character or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * The JSON text of a string, the same as `JSON.stringify(text)`; plain strings (most names and values)
 * skip the serializer, which costs more than the string itself for short ones.
 */
export function jsonString(text: string): string {
  return PLAIN_STRING.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * A decimal with at most 15 significant digits in canonical form (no leading zeros, no trailing zeros after
 * the point, at most 5 zeros after "0.", so JavaScript prints it in fixed notation): any two such decimals
 * are distinct doubles (15 = DBL_DIG), so `String(Number(text)) === text` and the text is written as is.
 * The length bound (16 with the point, 17 with a sign) caps the digits at 15.
 */
const SHORT_DECIMAL_TEXT = /^-?(?:[1-9]\d*\.\d*[1-9]|0\.0{0,5}[1-9](?:\d*[1-9])?)$/;

/** A DynamoDB number's envelope JSON text (see {@link numberToJson}). */
function numberJsonText(text: string): string {
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
 * Member order of an envelope map: JavaScript objects (and so `JSON.stringify` of {@link toJsonItem}) list
 * array-index names first in numeric order, then the others in the order they were added (sorted here).
 */
function sortedMemberOrder(names: readonly string[]): string[] {
  const sorted = [...names].sort();
  if (!sorted.some(startsWithDigit)) return sorted;
  const indexes = sorted.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...sorted.filter((name) => !isArrayIndex(name))];
}

/**
 * The images of a table repeat a few shapes (the same names, listed in the same order), so the order is
 * remembered per shape, found by its first name and checked name by name before it is reused.
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

/**
 * The direct writer keeps no attribute paths (building them for every value would cost more than the
 * writing): it throws this marker at the first invalid value, and `jsonItemText` then runs the object
 * mapping, whose validation is the same, to report the problem with its path.
 */
const INVALID = Symbol('invalid attribute value');

/** The text being written; the writer is synchronous, so one module-level buffer serves every call. */
let out = '';

function writeTextList(value: unknown, valid: (text: unknown) => boolean, quote: boolean): void {
  if (!Array.isArray(value)) throw INVALID;
  out += '[';
  for (let i = 0; i < value.length; i++) {
    const text = value[i];
    if (!valid(text)) throw INVALID;
    if (i > 0) out += ',';
    out += quote ? jsonString(text as string) : `"${text}"`;
  }
  out += ']';
}

const isString = (text: unknown): boolean => typeof text === 'string';
const isNumberText = (text: unknown): boolean => typeof text === 'string' && NUMBER_TEXT.test(text);
const isBase64 = (text: unknown): boolean => typeof text === 'string' && BASE64.test(text);

function writeValue(attribute: unknown): void {
  // An array gets no type here ('0' is none), so no separate array check is needed.
  if (typeof attribute !== 'object' || attribute === null) throw INVALID;
  let type: string | undefined;
  for (const name in attribute) {
    if (type !== undefined) throw INVALID;
    type = name;
  }
  const value = type === undefined ? undefined : (attribute as Record<string, unknown>)[type];
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw INVALID;
      out += jsonString(value);
      return;
    case 'N':
      if (typeof value !== 'string') throw INVALID;
      // Most numbers are integers of at most 15 digits: valid, exact, and written as they are.
      if (SHORT_INTEGER_TEXT.test(value)) out += value;
      else if (NUMBER_TEXT.test(value)) out += numberJsonText(value);
      else throw INVALID;
      return;
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
      out += `{"${TAG.stringSet}":`;
      writeTextList(value, isString, true);
      out += '}';
      return;
    case 'NS':
      out += `{"${TAG.numberSet}":`;
      writeTextList(value, isNumberText, false);
      out += '}';
      return;
    case 'BS':
      out += `{"${TAG.binarySet}":`;
      writeTextList(value, isBase64, false);
      out += '}';
      return;
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
      const wrap = names.length === 1 && TAG_NAMES.has(names[0] as string);
      if (wrap) out += `{"${TAG.map}":`;
      writeMap(value, names);
      if (wrap) out += '}';
      return;
    }
    default:
      throw INVALID;
  }
}

/** `"name":` texts, cached: items of a table repeat the same few names in every record. */
const MEMBER_NAMES = new Map<string, string>();
const MAX_CACHED_NAMES = 10_000;

function memberName(name: string): string {
  let text = MEMBER_NAMES.get(name);
  if (text === undefined) {
    text = `${jsonString(name)}:`;
    if (MEMBER_NAMES.size < MAX_CACHED_NAMES) MEMBER_NAMES.set(name, text);
  }
  return text;
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

/**
 * The JSON text of {@link toJsonItem}, written directly; the same errors, with the same paths.
 *
 * @example
 * ```ts
 * jsonItemText({ n: { N: '12345678901234567890' } }); // '{"n":{"$N":"12345678901234567890"}}'
 * ```
 */
export function jsonItemText(item: unknown, path = 'item'): string {
  if (!isPlainObject(item)) throw decodeError(path, 'is not a map of attributes');
  out = '';
  try {
    writeMap(item, Object.keys(item));
    return out;
  } catch (error) {
    if (error !== INVALID) throw error;
    toJsonItem(item, path);
    throw decodeError(path, 'has an invalid attribute value');
  } finally {
    out = '';
  }
}

function tagged(value: Record<string, unknown>): [string, unknown] | undefined {
  const names = Object.keys(value);
  if (names.length !== 1) return undefined;
  const name = names[0] as string;
  return TAG_NAMES.has(name) ? [name, value[name]] : undefined;
}

function stringList(value: unknown, path: string, tag: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw decodeError(path, `${tag} is not a list of strings`);
  }
  return [...(value as string[])];
}

/** Maps a JSON value of an envelope back to the attribute value it came from. */
export function fromJsonValue(value: unknown, path: string): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw decodeError(path, `${value} is not a finite number`);
    return { N: String(value) };
  }
  if (Array.isArray(value)) return { L: value.map((v, i) => fromJsonValue(v, `${path}[${i}]`)) };
  if (!isPlainObject(value)) throw decodeError(path, `${typeof value} is not a JSON value`);
  const tag = tagged(value);
  if (!tag) return { M: fromJsonItem(value, path) };
  const [name, inner] = tag;
  switch (name) {
    case TAG.number:
      return { N: numberText(inner, path) };
    case TAG.binary:
      return { B: base64Text(inner, path) };
    case TAG.stringSet:
      return { SS: stringList(inner, path, name) };
    case TAG.numberSet:
      return { NS: stringList(inner, path, name).map((n) => numberText(n, path)) };
    case TAG.binarySet:
      return { BS: stringList(inner, path, name).map((b) => base64Text(b, path)) };
    default:
      if (!isPlainObject(inner)) throw decodeError(path, '$M is not an object');
      return { M: fromJsonItem(inner, path) };
  }
}

/**
 * Maps an envelope's JSON object (key, before or after) back to DynamoDB attribute values.
 *
 * @example
 * ```ts
 * fromJsonItem({ id: 'a', big: { $N: '12345678901234567890' } }); // { id: { S: 'a' }, big: { N: '1234…' } }
 * ```
 */
export function fromJsonItem(value: unknown, path = 'item'): AttributeMap {
  if (!isPlainObject(value)) throw decodeError(path, 'is not an object');
  const out: Record<string, AttributeValue> = {};
  for (const name of Object.keys(value)) setMember(out, name, fromJsonValue(value[name], `${path}.${name}`));
  return out;
}
