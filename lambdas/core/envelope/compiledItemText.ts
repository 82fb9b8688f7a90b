/**
 * Compiled shape writers of envelope image text (`STREAMBRIDGE_ENVELOPE_WRITER=compiled`, the default): the
 * first image of a shape leaves a plan, compiled into JavaScript writers of its own; later images of that
 * shape are written by them, as parts joined once into a flat string, and anything else by the general
 * writer (itemText.ts), so the bytes never change, only the speed. Why, and what it costs:
 * docs/handlers.md, "Change bridge and envelope writer".
 */
import { VALUE_TAGS as TAG } from './constants';
import type { ItemTextWriter, ItemWriter } from './itemText';
import {
  generalItemText,
  generalValueText,
  isAttribute,
  isBase64,
  isNumberText,
  isPlainString,
  isString,
  isTagLike,
  itemTextWith,
  jsonString,
  memberCount,
  memberName,
  numberJsonText,
  sortedMemberOrder,
  TEXT_SETS,
  textListText,
} from './itemText';
import { isPlainObject } from './losslessMapping';

/** The value types a plan writes itself; any other value (or a value of another type) goes to the general writer. */
const PLANNED_TYPES = { S: 1, N: 2, BOOL: 3, NULL: 4, B: 5, SS: 6, NS: 7, BS: 8, L: 9, M: 10 } as const;
const GENERAL = 0;

type PlannedType = (typeof PLANNED_TYPES)[keyof typeof PLANNED_TYPES] | typeof GENERAL;

/** The three sets in generated code: the member read, the text that opens the list, the element check's name. */
const SET_WRITERS = {
  [PLANNED_TYPES.SS]: { type: 'SS', open: TEXT_SETS.SS.open, validName: 'isString' },
  [PLANNED_TYPES.NS]: { type: 'NS', open: TEXT_SETS.NS.open, validName: 'isNumberText' },
  [PLANNED_TYPES.BS]: { type: 'BS', open: TEXT_SETS.BS.open, validName: 'isBase64' },
} as const;

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
  isPlainString,
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

  /**
   * Adds a function `(a, n) => number` putting a value's text into the parts from index `n` by its plan,
   * returning the index after it; returns its name.
   */
  value(plan: ValuePlan): string {
    return this.#add('a,n', () => this.#valueBody(plan));
  }

  #valueBody(plan: ValuePlan): string {
    // Each test puts the value's text when it has exactly the planned type; else the general writer's.
    const unless = (test: string) =>
      `if(typeof a==="object"&&a!==null){${test}}P[n]=generalValueText(a);return n+1;`;
    let body: string;
    switch (plan.type) {
      case PLANNED_TYPES.S:
        body = unless(
          'const t=a.S;if(typeof t==="string"&&memberCount(a)===1){' +
            "if(!isPlainString(t)){P[n]=jsonString(t);return n+1;}P[n]='\"';P[n+1]=t;P[n+2]='\"';return n+3;}",
        );
        break;
      case PLANNED_TYPES.N:
        body = unless(
          'const t=numberJsonText(a.N);if(t!==undefined&&memberCount(a)===1){P[n]=t;return n+1;}',
        );
        break;
      case PLANNED_TYPES.BOOL:
        body = unless(
          'const t=a.BOOL;if(typeof t==="boolean"&&memberCount(a)===1){P[n]=t?"true":"false";return n+1;}',
        );
        break;
      case PLANNED_TYPES.NULL:
        body = unless('if(a.NULL===true&&memberCount(a)===1){P[n]="null";return n+1;}');
        break;
      case PLANNED_TYPES.B:
        body = unless(
          `const t=a.B;if(isBase64(t)&&memberCount(a)===1){P[n]=${literal(`{"${TAG.binary}":"`)};P[n+1]=t;P[n+2]='"}';return n+3;}`,
        );
        break;
      case PLANNED_TYPES.SS:
      case PLANNED_TYPES.NS:
      case PLANNED_TYPES.BS: {
        const set = SET_WRITERS[plan.type];
        body = unless(
          `const t=a.${set.type};if(Array.isArray(t)&&memberCount(a)===1)` +
            `{P[n]=textListText(t,${literal(set.open)},${set.validName});return n+1;}`,
        );
        break;
      }
      case PLANNED_TYPES.L: {
        const element = this.value(plan.element as ValuePlan);
        body = unless(
          'const t=a.L;if(Array.isArray(t)&&memberCount(a)===1){let i=n;P[i++]="[";' +
            `for(let k=0;k<t.length;k++){if(k>0)P[i++]=",";i=${element}(t[k],i);}P[i]="]";return i+1;}`,
        );
        break;
      }
      case PLANNED_TYPES.M: {
        const map = this.map(plan.map as MapPlan);
        body = unless(
          `const t=a.M;if(isPlainObject(t)&&memberCount(a)===1){const i=${map}(t,n);if(i>=0)return i;}`,
        );
        break;
      }
      default:
        body = 'P[n]=generalValueText(a);return n+1;';
    }
    return body;
  }

  /**
   * Adds a function `(m, n) => number` putting a map's text into the parts from index `n` by its plan,
   * returning the index after it, or -1 (having put nothing) when the map does not have exactly the planned
   * names; returns its name.
   */
  map(plan: MapPlan): string {
    return this.#add('m,n', () => this.#mapBody(plan));
  }

  #mapBody(plan: MapPlan): string {
    const { names, prefixes, values } = plan;
    let body = `if(memberCount(m)!==${names.length})return -1;`;
    if (names.length === 0) body += 'P[n]="{}";return n+1;';
    else {
      const writers = values.map((value) => this.value(value));
      let text = 'let i=n;';
      for (let i = 0; i < names.length; i++) {
        body += `const a${i}=m[${literal(names[i] as string)}];if(a${i}===undefined)return -1;`;
        text += `P[i++]=${literal(prefixes[i] as string)};i=${writers[i]}(a${i},i);`;
      }
      body += `${text}P[i]="}";return i+1;`;
    }
    return body;
  }

  /**
   * Compiles the functions into a writer of the item whose map function is `entry`. The writers put texts
   * into an array of parts of their own, each returning the index after its last, and the item's text is
   * their join, one flat string: text added piece by piece would be a tree of a hundred partial strings per
   * image that the producer flattens again, a join allocates the text once. The writers are synchronous, so
   * one array serves; its length changes only when an item's part count does.
   */
  compile(entry: string): MapWriter {
    const source =
      `"use strict";const{${HELPER_NAMES}}=helpers;const P=[];${this.#functions.join('')}` +
      `return function(m){const e=${entry}(m,0);if(e<0)return undefined;if(P.length!==e)P.length=e;return P.join("");};`;
    return new Function('helpers', source)(WRITER_HELPERS) as MapWriter;
  }
}

/** The text of an item of the writer's shape, undefined for an item of another shape. */
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
    return source.compile(source.map(plan));
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
const plannedItemText: ItemWriter = (item) => {
  const first = firstName(item);
  if (first === undefined) return '{}';
  let plans = ITEM_PLANS.get(first);
  if (plans !== undefined) {
    for (const write of plans) {
      const text = write(item);
      if (text !== undefined) return text;
    }
  }
  const text = generalItemText(item);
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
};

/**
 * The JSON text of `toJsonItem`, written by compiled shape writers where the item's shape has one; the same
 * bytes and the same errors, with the same paths, as the general writer's `jsonItemText`.
 *
 * @example
 * ```ts
 * compiledJsonItemText({ n: { N: '12345678901234567890' }, id: { S: 'a' } }); // '{"id":"a","n":{"$N":"12345678901234567890"}}'
 * ```
 */
export const compiledJsonItemText: ItemTextWriter = (item, path = 'item') =>
  itemTextWith(plannedItemText, item, path);
