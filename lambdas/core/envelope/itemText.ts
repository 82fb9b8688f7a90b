/**
 * The JSON text of an envelope image, written straight from the DynamoDB attribute values: the same bytes
 * as `JSON.stringify(toJsonItem(item))`, without the intermediate objects (property tests hold the two
 * byte-identical for any item, also when many items of related shapes are written one after another).
 *
 * Two writers give those bytes:
 * - the general writer reads each attribute value's type and dispatches on it; it validates every value
 *   and knows nothing in advance;
 * - shape plans: the images of a table repeat a few shapes (the same attribute names with the same types),
 *   so the first item of a shape leaves a plan (its member names in output order, each with the `"name":`
 *   text and a writer for the type it had), compiled into JavaScript functions of its own, as
 *   fast-json-stringify does for JSON schemas. Later items with the same names are written by them: one
 *   member count and one read per name check that the item has the planned names, and each planned
 *   writer checks that its value has the planned type (any other value is written by the general writer,
 *   so a plan never changes what is written, only how fast). Each compiled read and writer sees one shape
 *   and values of one type, which is what makes it fast. Generated code holds no item data: names enter
 *   it as JSON string literals only.
 *
 * Plans are bounded ({@link MAX_PLANS_PER_FIRST_NAME} per first attribute name, {@link MAX_PLANNED_MAPS}
 * maps in all), so tables with endless shapes cost memory once and then use the general writer.
 *
 * @example
 * ```ts
 * jsonItemText({ n: { N: '12345678901234567890' }, id: { S: 'a' } }); // '{"id":"a","n":{"$N":"12345678901234567890"}}'
 * jsonString('a"b'); // '"a\\"b"'
 * ```
 */

import { ATTRIBUTE_TEXT, VALUE_TAGS as TAG, TAG_NAMES } from './constants';
import { decodeError } from './errors';
import { isPlainObject, toJsonItem } from './losslessMapping';

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

const SHORT_INTEGER_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;

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
function numberJsonText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Most numbers are integers of at most 15 digits: valid, exact, and written as they are.
  if (SHORT_INTEGER_TEXT.test(value)) return value;
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
function sortedMemberOrder(names: readonly string[]): string[] {
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

function memberName(name: string): string {
  let text = MEMBER_NAMES.get(name);
  if (text === undefined) {
    text = `${jsonString(name)}:`;
    if (MEMBER_NAMES.size < MAX_CACHED_NAMES) MEMBER_NAMES.set(name, text);
  }
  return text;
}

/**
 * The writers keep no attribute paths (building them for every value would cost more than the writing):
 * they throw this marker at the first invalid value, and `jsonItemText` then runs the object mapping,
 * whose validation is the same, to report the problem with its path.
 */
const INVALID = Symbol('invalid attribute value');

type Attribute = Record<string, unknown>;

function isAttribute(value: unknown): value is Attribute {
  return typeof value === 'object' && value !== null;
}

/** The number of enumerable names (counted without building a list of them). */
function memberCount(value: object): number {
  let count = 0;
  for (const _name in value) count++;
  return count;
}

// The general writer.

/** The text being written; the general writer is synchronous, so one module-level buffer serves it. */
let out = '';

const isString = (text: unknown): boolean => typeof text === 'string';
const isNumberText = (text: unknown): boolean => typeof text === 'string' && ATTRIBUTE_TEXT.number.test(text);
const isBase64 = (text: unknown): boolean => typeof text === 'string' && ATTRIBUTE_TEXT.base64.test(text);

/** The value types a plan writes itself; any other value (or a value of another type) goes to the general writer. */
const PLANNED_TYPES = { S: 1, N: 2, BOOL: 3, NULL: 4, B: 5, SS: 6, NS: 7, BS: 8, L: 9, M: 10 } as const;
const GENERAL = 0;

type PlannedType = (typeof PLANNED_TYPES)[keyof typeof PLANNED_TYPES] | typeof GENERAL;

/** A set's text (SS, NS, BS): each element checked, written as a JSON string, in the tagged list. */
function textListText(list: readonly unknown[], open: string, valid: (text: unknown) => boolean): string {
  let text = open;
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    if (!valid(element)) throw INVALID;
    if (i > 0) text += ',';
    text += jsonString(element as string);
  }
  return `${text}]}`;
}

/**
 * The three sets: the member read, the text that opens the tagged list, and the element check (with its
 * name among the generated writers' helpers).
 */
const TEXT_SETS = {
  [PLANNED_TYPES.SS]: { type: 'SS', open: `{"${TAG.stringSet}":[`, valid: isString, validName: 'isString' },
  [PLANNED_TYPES.NS]: {
    type: 'NS',
    open: `{"${TAG.numberSet}":[`,
    valid: isNumberText,
    validName: 'isNumberText',
  },
  [PLANNED_TYPES.BS]: { type: 'BS', open: `{"${TAG.binarySet}":[`, valid: isBase64, validName: 'isBase64' },
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
      const set = TEXT_SETS[PLANNED_TYPES[type]];
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
function isTagLike(names: readonly string[]): boolean {
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

/** One attribute value's text by the general writer (a planned writer's way out). */
function generalValueText(attribute: unknown): string {
  const outer = out;
  out = '';
  try {
    writeValue(attribute);
    return out;
  } finally {
    out = outer;
  }
}

// Shape plans.

/** How one member (or list element) is written: its planned type, and for L and M what is inside. */
interface ValuePlan {
  readonly type: PlannedType;
  /** L: the plan of the elements (after the first element of the list it was planned from). */
  readonly element?: ValuePlan;
  /** M: the plan of the map. */
  readonly map?: MapPlan;
}

interface MapPlan {
  /** Member names in output order. */
  readonly names: readonly string[];
  /** `{"name":` for the first member, `,"name":` for the others. */
  readonly prefixes: readonly string[];
  readonly values: readonly ValuePlan[];
}

const GENERAL_PLAN: ValuePlan = { type: GENERAL };

/** What generated writers call: the helpers they share with the general writer. */
const WRITER_HELPERS = {
  jsonString,
  numberJsonText,
  memberCount,
  generalValueText,
  textListText,
  isBase64,
  isPlainObject,
  isString,
  isNumberText,
} as const;

/** The helpers' names as generated code declares them. */
const HELPER_NAMES = Object.keys(WRITER_HELPERS).join(',');

/** A JavaScript string literal of `text` (JSON's string syntax is a subset of JavaScript's). */
const literal = (text: string): string => JSON.stringify(text);

/**
 * The source of a plan's writers, one function per map and per planned value, each compiled for its own
 * member: its property reads and calls see one shape and one type, so V8 optimizes them for it (one
 * interpreted writer for every member sees them all, and its keyed reads by name are slow).
 */
class WriterSource {
  readonly #functions: string[] = [];

  /**
   * Adds a function of `parameter` whose body `build` writes (nested functions it adds come after it);
   * returns its name.
   */
  #add(parameter: string, build: () => string): string {
    const index = this.#functions.push('') - 1;
    const name = `v${index}`;
    this.#functions[index] = `function ${name}(${parameter}){${build()}}`;
    return name;
  }

  /** Adds a function `(a) => string` writing a value by its plan; returns its name. */
  value(plan: ValuePlan): string {
    return this.#add('a', () => this.#valueBody(plan));
  }

  #valueBody(plan: ValuePlan): string {
    // Each test returns the value's text when it has exactly the planned type; else the general writer.
    const unless = (test: string) => `if(typeof a==="object"&&a!==null){${test}}return generalValueText(a);`;
    let body: string;
    switch (plan.type) {
      case PLANNED_TYPES.S:
        body = unless('const t=a.S;if(typeof t==="string"&&memberCount(a)===1)return jsonString(t);');
        break;
      case PLANNED_TYPES.N:
        body = unless('const t=numberJsonText(a.N);if(t!==undefined&&memberCount(a)===1)return t;');
        break;
      case PLANNED_TYPES.BOOL:
        body = unless('const t=a.BOOL;if(typeof t==="boolean"&&memberCount(a)===1)return t?"true":"false";');
        break;
      case PLANNED_TYPES.NULL:
        body = unless('if(a.NULL===true&&memberCount(a)===1)return "null";');
        break;
      case PLANNED_TYPES.B:
        body = unless(
          `const t=a.B;if(isBase64(t)&&memberCount(a)===1)return ${literal(`{"${TAG.binary}":"`)}+t+'"}';`,
        );
        break;
      case PLANNED_TYPES.SS:
      case PLANNED_TYPES.NS:
      case PLANNED_TYPES.BS: {
        const set = TEXT_SETS[plan.type];
        body = unless(
          `const t=a.${set.type};if(Array.isArray(t)&&memberCount(a)===1)` +
            `return textListText(t,${literal(set.open)},${set.validName});`,
        );
        break;
      }
      case PLANNED_TYPES.L: {
        const element = this.value(plan.element as ValuePlan);
        body = unless(
          'const t=a.L;if(Array.isArray(t)&&memberCount(a)===1){let o="[";' +
            `for(let i=0;i<t.length;i++){if(i>0)o+=",";o+=${element}(t[i]);}return o+"]";}`,
        );
        break;
      }
      case PLANNED_TYPES.M: {
        const map = this.map(plan.map as MapPlan);
        body = unless(
          `const t=a.M;if(isPlainObject(t)&&memberCount(a)===1){const o=${map}(t);if(o!==undefined)return o;}`,
        );
        break;
      }
      default:
        body = 'return generalValueText(a);';
    }
    return body;
  }

  /**
   * Adds a function `(m) => string | undefined` writing a map by its plan, undefined when the map does
   * not have exactly the planned names; returns its name.
   */
  map(plan: MapPlan): string {
    return this.#add('m', () => this.#mapBody(plan));
  }

  #mapBody(plan: MapPlan): string {
    const { names, prefixes, values } = plan;
    let body = `if(memberCount(m)!==${names.length})return undefined;`;
    if (names.length === 0) body += 'return "{}";';
    else {
      const writers = values.map((value) => this.value(value));
      let text = '';
      for (let i = 0; i < names.length; i++) {
        body += `const a${i}=m[${literal(names[i] as string)}];if(a${i}===undefined)return undefined;`;
        text += `${literal(prefixes[i] as string)}+${writers[i]}(a${i})+`;
      }
      body += `return ${text}"}";`;
    }
    return body;
  }

  /** Compiles the functions, returning the one named `entry`. */
  compile<T>(entry: string): T {
    const source = `"use strict";const{${HELPER_NAMES}}=helpers;${this.#functions.join('')}return ${entry};`;
    return new Function('helpers', source)(WRITER_HELPERS) as T;
  }
}

type MapWriter = (map: Record<string, unknown>) => string | undefined;

/**
 * False once the runtime refused to compile a writer (`node --disallow-code-generation-from-strings`):
 * no more plans are made, and the general writer writes every item (the same bytes, only slower).
 */
let compiling = true;

/** The writer of an item plan (its maps and values compiled together), undefined where code cannot be compiled. */
function compileMapWriter(plan: MapPlan): MapWriter | undefined {
  const source = new WriterSource();
  try {
    return source.compile<MapWriter>(source.map(plan));
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    compiling = false;
    return undefined;
  }
}

/**
 * Maps planned so far (nested ones included); past the bound, new shapes use the general writer. Compiled
 * writers cost ~6 KB of heap per map (~13 KB of RSS), so the bound keeps them to ~3 MB: far more shapes
 * than a table's images repeat, and little for a 128 MB function with a table of endless shapes.
 */
let plannedMaps = 0;
const MAX_PLANNED_MAPS = 500;
const MAX_PLANS_PER_FIRST_NAME = 4;

/**
 * Names a plan can look up without a prototype getting in the way: a name that plain objects inherit
 * (`constructor`, `toString`, `__proto__`…) reads as defined even when the item lacks it.
 */
const INHERITED: Readonly<Record<string, unknown>> = {};

function planValue(attribute: unknown): ValuePlan {
  if (!isAttribute(attribute) || memberCount(attribute) !== 1) return GENERAL_PLAN;
  const [name] = Object.keys(attribute) as [string];
  if (!Object.hasOwn(PLANNED_TYPES, name)) return GENERAL_PLAN;
  const type = PLANNED_TYPES[name as keyof typeof PLANNED_TYPES];
  const value = attribute[name];
  if (type === PLANNED_TYPES.L) {
    return { type, element: Array.isArray(value) && value.length > 0 ? planValue(value[0]) : GENERAL_PLAN };
  }
  if (type === PLANNED_TYPES.M) {
    const map = isPlainObject(value) ? planMap(value) : undefined;
    return map ? { type, map } : GENERAL_PLAN;
  }
  return { type };
}

/** A plan for the shape of `map`, or undefined (bound reached, a `$M`-wrapped map, an inherited name). */
function planMap(map: Record<string, unknown>): MapPlan | undefined {
  const names = Object.keys(map);
  if (plannedMaps >= MAX_PLANNED_MAPS || isTagLike(names) || names.some((name) => name in INHERITED)) {
    return undefined;
  }
  plannedMaps++;
  const ordered = sortedMemberOrder(names);
  return {
    names: ordered,
    prefixes: ordered.map((name, i) => `${i === 0 ? '{' : ','}${memberName(name)}`),
    values: ordered.map((name) => planValue(map[name])),
  };
}

/** Item plans, by the item's first attribute name (a few per name: keys and images often share it). */
const ITEM_PLANS = new Map<string, MapWriter[]>();

function firstName(item: object): string | undefined {
  for (const name in item) return name;
  return undefined;
}

/** The item's text by a plan of its shape, else by the general writer, leaving a plan for the next ones. */
function itemText(item: Record<string, unknown>): string {
  const first = firstName(item);
  if (first === undefined) return '{}';
  let plans = ITEM_PLANS.get(first);
  if (plans !== undefined) {
    for (const write of plans) {
      const text = write(item);
      if (text !== undefined) return text;
    }
  }
  out = '';
  writeMap(item, Object.keys(item));
  const text = out;
  if (plans === undefined) {
    plans = [];
    ITEM_PLANS.set(first, plans);
  }
  if (compiling && plans.length < MAX_PLANS_PER_FIRST_NAME) {
    const plan = planMap(item);
    const write = plan && compileMapWriter(plan);
    if (write) plans.push(write);
  }
  return text;
}

/**
 * The JSON text of `toJsonItem`, written directly; the same errors, with the same paths.
 *
 * @example
 * ```ts
 * jsonItemText({ n: { N: '12345678901234567890' } }); // '{"n":{"$N":"12345678901234567890"}}'
 * ```
 */
export function jsonItemText(item: unknown, path = 'item'): string {
  if (!isPlainObject(item)) throw decodeError(path, 'is not a map of attributes');
  try {
    return itemText(item);
  } catch (error) {
    if (error !== INVALID) throw error;
    toJsonItem(item, path);
    throw decodeError(path, 'has an invalid attribute value');
  } finally {
    out = '';
  }
}
