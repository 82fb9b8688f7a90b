/**
 * The lossless mapping between DynamoDB attribute values and the JSON of change envelopes, both ways:
 * `fromJsonItem(toJsonItem(item))` gives back `item` exactly (a property test proves it for any item). The
 * mapping's table is in docs/envelope.md, "Lossless values".
 */
import { ATTRIBUTE_TEXT, VALUE_TAGS as TAG, TAG_NAMES } from './constants';
import { decodeError } from './errors';
import type { AttributeMap, AttributeValue, JsonObject, JsonValue } from './types';

const { number: NUMBER_TEXT, base64: BASE64 } = ATTRIBUTE_TEXT;

type Mutable = Record<string, JsonValue>;

/** Sets an own member even when the name is `__proto__` (a plain assignment would change the prototype). */
function setMember<T>(target: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
