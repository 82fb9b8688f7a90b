/**
 * The AWS event-filter pattern language (Lambda `FilterCriteria`, EventBridge), used by sink mapping
 * filters and by the local event source pollers, so one syntax serves both.
 *
 * A pattern is an object whose leaves are arrays of matchers, OR-ed; sibling fields are AND-ed; `$or`
 * takes a list of patterns. Matchers: a literal (string, number, boolean, null), `{prefix}`, `{suffix}`,
 * `{"equals-ignore-case"}`, `{wildcard}`, `{"anything-but": value | [values] | {prefix} | {suffix}}`,
 * `{numeric: [op, n, op, n]}`, `{exists: boolean}`. A field holding an array matches when any element does.
 * See https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 *
 * @example
 * ```ts
 * matchesPattern({ type: 'click', n: 5 }, { type: ['click'], n: [{ numeric: ['>', 0] }] }); // true
 * ```
 */
import type { FilterPattern } from './config/types';

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);
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

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
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

function literalMatches(value: unknown, literal: unknown): boolean {
  if (typeof literal === 'number' && typeof value === 'number') return value === literal;
  return value === literal;
}

function scalarMatches(value: unknown, matcher: unknown): boolean {
  if (!isObject(matcher)) return literalMatches(value, matcher);
  if ('prefix' in matcher) {
    const prefix = matcher.prefix;
    if (isObject(prefix) && typeof prefix['equals-ignore-case'] === 'string') {
      return (
        typeof value === 'string' &&
        value.toLowerCase().startsWith(prefix['equals-ignore-case'].toLowerCase())
      );
    }
    return typeof value === 'string' && value.startsWith(String(prefix));
  }
  if ('suffix' in matcher) {
    const suffix = matcher.suffix;
    if (isObject(suffix) && typeof suffix['equals-ignore-case'] === 'string') {
      return (
        typeof value === 'string' && value.toLowerCase().endsWith(suffix['equals-ignore-case'].toLowerCase())
      );
    }
    return typeof value === 'string' && value.endsWith(String(suffix));
  }
  if ('equals-ignore-case' in matcher) {
    return (
      typeof value === 'string' && value.toLowerCase() === String(matcher['equals-ignore-case']).toLowerCase()
    );
  }
  if ('wildcard' in matcher)
    return typeof value === 'string' && wildcardToRegExp(String(matcher.wildcard)).test(value);
  if ('numeric' in matcher) return numericMatches(value, matcher.numeric as unknown[]);
  if ('anything-but' in matcher) {
    const but = matcher['anything-but'];
    if (Array.isArray(but)) return !but.some((b) => literalMatches(value, b));
    if (isObject(but)) return !scalarMatches(value, but);
    return !literalMatches(value, but);
  }
  return false;
}

function fieldMatches(present: boolean, value: unknown, matchers: readonly unknown[]): boolean {
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === present;
    if (!present) return false;
    if (Array.isArray(value)) return value.some((element) => scalarMatches(element, matcher));
    return scalarMatches(value, matcher);
  });
}

/** True when `value` satisfies `pattern` (AWS filter-pattern semantics). */
export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  for (const [field, rule] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!(rule as FilterPattern[]).some((alternative) => matchesPattern(value, alternative))) return false;
      continue;
    }
    const container = isObject(value) ? value : undefined;
    const present =
      container !== undefined && Object.hasOwn(container, field) && container[field] !== undefined;
    const fieldValue = present ? container[field] : undefined;
    if (Array.isArray(rule)) {
      if (!fieldMatches(present, fieldValue, rule)) return false;
    } else if (isObject(rule)) {
      if (!present || !matchesPattern(fieldValue, rule)) return false;
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
  if ('numeric' in matcher) {
    const spec = matcher.numeric;
    const ok =
      Array.isArray(spec) &&
      (spec.length === 2 || spec.length === 4) &&
      spec.every((v, i) => (i % 2 === 0 ? NUMERIC_OPS.has(v as string) : typeof v === 'number'));
    return ok ? [] : [`${path}: numeric takes [op, number] or [op, number, op, number] with ops = < <= > >=`];
  }
  if ('exists' in matcher && typeof matcher.exists !== 'boolean')
    return [`${path}: exists takes true or false`];
  return [];
}
