/**
 * The AWS event-filter pattern language (Lambda `FilterCriteria`, EventBridge), used by sink mapping
 * filters and by the local event source pollers, so one syntax serves both.
 *
 * A pattern is an object whose leaves are arrays of matchers, OR-ed; sibling fields are AND-ed; `$or`
 * takes a list of patterns. Matchers: a literal (string, number, boolean, null), `{prefix}`, `{suffix}`,
 * `{"equals-ignore-case"}`, `{wildcard}`, `{"anything-but": value | [values] | {prefix} | {suffix} |
 * {"equals-ignore-case"} | {wildcard}}`, `{numeric: [op, n, op, n]}`, `{exists: boolean}`. A field holding an
 * array matches when any element does. `exists` looks at leaf values only (an object is not a leaf).
 * See https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *
 * @example
 * ```ts
 * matchesPattern({ type: 'click', n: 5 }, { type: ['click'], n: [{ numeric: ['>', 0] }] }); // true
 * ```
 */
import type { FilterPattern } from './config/types';

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

function numericMatches(value: unknown, spec: readonly unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const bound = spec[i + 1] as number;
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
}

function ignoreCaseEquals(value: unknown, expected: unknown): boolean {
  const options = Array.isArray(expected) ? expected : [expected];
  return (
    typeof value === 'string' &&
    options.some((option) => typeof option === 'string' && value.toLowerCase() === option.toLowerCase())
  );
}

function affixMatches(
  value: unknown,
  affix: unknown,
  test: (text: string, part: string) => boolean,
): boolean {
  if (typeof value !== 'string') return false;
  if (isObject(affix) && 'equals-ignore-case' in affix) {
    return test(value.toLowerCase(), String(affix['equals-ignore-case']).toLowerCase());
  }
  const options = Array.isArray(affix) ? affix : [affix];
  return options.some((option) => test(value, String(option)));
}

function scalarMatches(value: unknown, matcher: unknown): boolean {
  if (!isObject(matcher)) return value === matcher;
  if ('prefix' in matcher) return affixMatches(value, matcher.prefix, (text, part) => text.startsWith(part));
  if ('suffix' in matcher) return affixMatches(value, matcher.suffix, (text, part) => text.endsWith(part));
  if ('equals-ignore-case' in matcher) return ignoreCaseEquals(value, matcher['equals-ignore-case']);
  if ('wildcard' in matcher) {
    const options = Array.isArray(matcher.wildcard) ? matcher.wildcard : [matcher.wildcard];
    return (
      typeof value === 'string' && options.some((option) => wildcardToRegExp(String(option)).test(value))
    );
  }
  if ('numeric' in matcher) return numericMatches(value, matcher.numeric as unknown[]);
  if ('anything-but' in matcher) {
    const but = matcher['anything-but'];
    if (Array.isArray(but)) return !but.some((b) => value === b);
    if (isObject(but)) return !scalarMatches(value, but);
    return value !== but;
  }
  return false;
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

function fieldMatches(present: boolean, value: unknown, matchers: readonly unknown[]): boolean {
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === hasLeaf(present, value);
    if (!present) return false;
    if (Array.isArray(value)) return value.some((element) => scalarMatches(element, matcher));
    return scalarMatches(value, matcher);
  });
}

/**
 * True when `value` satisfies `pattern` (AWS filter-pattern semantics): a nested pattern under a missing
 * field still runs, so `{"a": {"b": [{"exists": false}]}}` matches an event without `a`; a nested pattern
 * over an array of objects matches when one element satisfies all of it.
 */
export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  if (Array.isArray(value) && value.some(isObject)) {
    return value.some((element) => isObject(element) && matchesPattern(element, pattern));
  }
  const container = isObject(value) ? value : undefined;
  for (const [field, rule] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!(rule as FilterPattern[]).some((alternative) => matchesPattern(value, alternative))) return false;
      continue;
    }
    const present =
      container !== undefined && Object.hasOwn(container, field) && container[field] !== undefined;
    const fieldValue = present ? container[field] : undefined;
    if (Array.isArray(rule)) {
      if (!fieldMatches(present, fieldValue, rule)) return false;
    } else if (isObject(rule)) {
      if (!matchesPattern(fieldValue, rule)) return false;
    } else {
      return false;
    }
  }
  return true;
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
