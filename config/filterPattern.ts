/**
 * The AWS event-filter pattern language (Lambda `FilterCriteria`, EventBridge), used by sink mapping
 * filters and by the local event source pollers; described in docs/configuration.md ("Filter patterns").
 *
 * @example
 * ```ts
 * matchesPattern({ type: 'click', n: 5 }, { type: ['click'], n: [{ numeric: ['>', 0] }] }); // true
 * ```
 */
import type { FilterPattern } from './types';

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
const LOWER_BOUND_OPS = new Set(['>', '>=']);
const UPPER_BOUND_OPS = new Set(['<', '<=']);
const MATCHER_KEYS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A wildcard's `*` matches any run of characters; `\*` is a literal asterisk and `\\` a literal backslash
 * (EventBridge wildcard syntax).
 */
function wildcardToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    const next = pattern[i + 1];
    if (char === '\\' && (next === '*' || next === '\\')) {
      source += `\\${next}`;
      i++;
    } else if (char === '*') source += '.*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

type Test = (value: unknown) => boolean;

function numericTest(spec: readonly unknown[]): Test {
  const bounds = [...spec];
  return (value) => {
    if (typeof value !== 'number') return false;
    for (let i = 0; i < bounds.length; i += 2) {
      const op = bounds[i];
      const bound = bounds[i + 1] as number;
      const ok =
        op === '='
          ? value === bound
          : op === '<'
            ? value < bound
            : op === '<='
              ? value <= bound
              : op === '>'
                ? value > bound
                : value >= bound;
      if (!ok) return false;
    }
    return true;
  };
}

function ignoreCaseTest(expected: unknown): Test {
  const options = (Array.isArray(expected) ? expected : [expected])
    .filter((option): option is string => typeof option === 'string')
    .map((option) => option.toLowerCase());
  return (value) => typeof value === 'string' && options.includes(value.toLowerCase());
}

function affixTest(affix: unknown, test: (text: string, part: string) => boolean): Test {
  if (isObject(affix) && 'equals-ignore-case' in affix) {
    const part = String(affix['equals-ignore-case']).toLowerCase();
    return (value) => typeof value === 'string' && test(value.toLowerCase(), part);
  }
  const options = (Array.isArray(affix) ? affix : [affix]).map(String);
  return (value) => typeof value === 'string' && options.some((option) => test(value, option));
}

/** One matcher of a leaf list (`exists` aside) as a test of one scalar value. */
function scalarTest(matcher: unknown): Test {
  if (!isObject(matcher)) return (value) => value === matcher;
  if ('prefix' in matcher) return affixTest(matcher.prefix, (text, part) => text.startsWith(part));
  if ('suffix' in matcher) return affixTest(matcher.suffix, (text, part) => text.endsWith(part));
  if ('equals-ignore-case' in matcher) return ignoreCaseTest(matcher['equals-ignore-case']);
  if ('wildcard' in matcher) {
    const options = (Array.isArray(matcher.wildcard) ? matcher.wildcard : [matcher.wildcard]).map((option) =>
      wildcardToRegExp(String(option)),
    );
    return (value) => typeof value === 'string' && options.some((option) => option.test(value));
  }
  if ('numeric' in matcher) return numericTest(matcher.numeric as unknown[]);
  if ('anything-but' in matcher) {
    const but = matcher['anything-but'];
    if (Array.isArray(but)) {
      const values = [...but];
      return (value) => !values.some((b) => value === b);
    }
    if (isObject(but)) {
      const matches = scalarTest(but);
      return (value) => !matches(value);
    }
    return (value) => value !== but;
  }
  return () => false;
}

/**
 * Whether the event has a leaf value at this path. `exists` only looks at leaves: an object (an
 * intermediate node) or an empty array holds no value of its own (EventBridge exists matching).
 */
function hasLeaf(present: boolean, value: unknown): boolean {
  if (!present) return false;
  if (Array.isArray(value)) return value.some((element) => !isObject(element));
  return !isObject(value);
}

/** A field's test: whether it is present, and its value. */
type FieldTest = (present: boolean, value: unknown) => boolean;

function leafListTest(matchers: readonly unknown[]): FieldTest {
  const tests: FieldTest[] = matchers.map((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) {
      const exists = matcher.exists;
      return (present, value) => exists === hasLeaf(present, value);
    }
    const scalar = scalarTest(matcher);
    return (present, value) => {
      if (!present) return false;
      if (Array.isArray(value)) return value.some(scalar);
      return scalar(value);
    };
  });
  return (present, value) => tests.some((test) => test(present, value));
}

/** A pattern as a test of a value: each field's rule compiled once (wildcards to regular expressions). */
function compilePattern(pattern: FilterPattern): Test {
  const fields: ((container: Record<string, unknown> | undefined, value: unknown) => boolean)[] = [];
  for (const [field, rule] of Object.entries(pattern)) {
    if (field === '$or') {
      const alternatives = (rule as FilterPattern[]).map(compilePattern);
      fields.push((_container, value) => alternatives.some((alternative) => alternative(value)));
      continue;
    }
    let fieldTest: FieldTest | undefined;
    if (Array.isArray(rule)) fieldTest = leafListTest(rule);
    else if (isObject(rule)) {
      const nested = compilePattern(rule);
      fieldTest = (_present, value) => nested(value);
    }
    if (fieldTest === undefined) {
      fields.push(() => false);
      continue;
    }
    fields.push((container) => {
      const present =
        container !== undefined && Object.hasOwn(container, field) && container[field] !== undefined;
      return fieldTest(present, present ? container[field] : undefined);
    });
  }
  const test: Test = (value) => {
    if (Array.isArray(value) && value.some(isObject)) {
      return value.some((element) => isObject(element) && test(element));
    }
    const container = isObject(value) ? value : undefined;
    for (const field of fields) if (!field(container, value)) return false;
    return true;
  };
  return test;
}

/** Compiled patterns, by pattern object (a sink's patterns live as long as its configuration). */
const COMPILED = new WeakMap<FilterPattern, Test>();

/**
 * True when `value` satisfies `pattern` (AWS filter-pattern semantics): a nested pattern under a missing
 * field still runs, so `{"a": {"b": [{"exists": false}]}}` matches an event without `a`; a nested pattern
 * over an array of objects matches when one element satisfies all of it. The pattern is compiled on first
 * use and the compiled test kept for that pattern object.
 */
export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  let test = COMPILED.get(pattern);
  if (test === undefined) {
    test = compilePattern(pattern);
    COMPILED.set(pattern, test);
  }
  return test(value);
}

/** Checks a pattern's syntax; returns problems, each prefixed with `path`. Empty when valid. */
export function validatePattern(pattern: unknown, path: string): string[] {
  if (!isObject(pattern)) return [`${path}: a filter pattern must be an object`];
  const issues: string[] = [];
  for (const [field, rule] of Object.entries(pattern)) {
    const at = `${path}.${field}`;
    if (field === '$or') {
      if (!Array.isArray(rule) || rule.length < 2)
        issues.push(`${at}: "$or" takes a list of at least two patterns`);
      else {
        rule.forEach((alternative, i) => {
          issues.push(...validatePattern(alternative, `${at}[${i}]`));
        });
      }
    } else if (Array.isArray(rule)) {
      if (rule.length === 0) issues.push(`${at}: an empty list matches nothing`);
      rule.forEach((matcher, i) => {
        issues.push(...validateMatcher(matcher, `${at}[${i}]`));
      });
    } else if (isObject(rule)) {
      issues.push(...validatePattern(rule, at));
    } else {
      issues.push(
        `${at}: leaf values must be lists of matchers, e.g. ["value"] (got ${JSON.stringify(rule)})`,
      );
    }
  }
  return issues;
}

function isAffix(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    (isObject(value) && Object.keys(value).length === 1 && typeof value['equals-ignore-case'] === 'string')
  );
}

function isStringOrStrings(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
  );
}

function validateNumeric(spec: unknown, path: string): string[] {
  const usage = `${path}: numeric takes [op, number] or [">"|">=", low, "<"|"<=", high] with ops = < <= > >=`;
  if (
    !Array.isArray(spec) ||
    (spec.length !== 2 && spec.length !== 4) ||
    !spec.every((v, i) => (i % 2 === 0 ? NUMERIC_OPS.has(v as string) : Number.isFinite(v)))
  ) {
    return [usage];
  }
  if (spec.length === 4) {
    const [lowOp, low, highOp, high] = spec as [string, number, string, number];
    if (!LOWER_BOUND_OPS.has(lowOp) || !UPPER_BOUND_OPS.has(highOp)) return [usage];
    if (low >= high) return [`${path}: numeric range lower bound ${low} must be below upper bound ${high}`];
  }
  return [];
}

function validateAnythingBut(but: unknown, path: string): string[] {
  const literal = (v: unknown) => typeof v === 'string' || typeof v === 'number';
  if (literal(but) || (Array.isArray(but) && but.length > 0 && but.every(literal))) return [];
  if (isObject(but) && Object.keys(but).length === 1) {
    if ('prefix' in but || 'suffix' in but) {
      if (typeof (but.prefix ?? but.suffix) === 'string') return [];
    } else if ('equals-ignore-case' in but || 'wildcard' in but) {
      if (isStringOrStrings(but['equals-ignore-case'] ?? but.wildcard)) return [];
    }
  }
  return [
    `${path}: anything-but takes a string, a number, a list of them, or {prefix}, {suffix}, {"equals-ignore-case"}, {wildcard}`,
  ];
}

function validateMatcher(matcher: unknown, path: string): string[] {
  if (!isObject(matcher)) {
    return ['string', 'number', 'boolean'].includes(typeof matcher) || matcher === null
      ? []
      : [`${path}: unsupported matcher ${JSON.stringify(matcher)}`];
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1 || !MATCHER_KEYS.has(keys[0] as string)) {
    return [
      `${path}: unknown matcher ${JSON.stringify(matcher)}; use one of ${[...MATCHER_KEYS].join(', ')}`,
    ];
  }
  if ('numeric' in matcher) return validateNumeric(matcher.numeric, path);
  if ('exists' in matcher && typeof matcher.exists !== 'boolean')
    return [`${path}: exists takes true or false`];
  if ('prefix' in matcher && !isAffix(matcher.prefix))
    return [`${path}: prefix takes a string or {"equals-ignore-case": string}`];
  if ('suffix' in matcher && !isAffix(matcher.suffix))
    return [`${path}: suffix takes a string or {"equals-ignore-case": string}`];
  if ('equals-ignore-case' in matcher && typeof matcher['equals-ignore-case'] !== 'string')
    return [`${path}: equals-ignore-case takes a string`];
  if ('wildcard' in matcher) {
    const wildcard = matcher.wildcard;
    if (typeof wildcard !== 'string') return [`${path}: wildcard takes a string`];
    if (/(?<!\\)\*\*/.test(wildcard)) return [`${path}: wildcard must not contain consecutive "*"`];
  }
  if ('anything-but' in matcher) return validateAnythingBut(matcher['anything-but'], path);
  return [];
}
