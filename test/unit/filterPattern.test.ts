import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '../../config/filterPattern';
import type { FilterPattern } from '../../config/types';

// Cases follow the operator table of https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
// and the EventBridge operator page it links to; each row is [what, pattern, event, expected].
type Case = [string, FilterPattern, unknown, boolean];

const order = { type: 'buy', stock: 'ANYCO', quantity: 1000, price: 12.5, note: null, tags: ['a', 'b'] };

describe('matchesPattern', () => {
  it.each<Case>([
    ['equals: string', { type: ['buy'] }, order, true],
    ['equals: other string', { type: ['sell'] }, order, false],
    ['equals: one of several', { type: ['sell', 'buy'] }, order, true],
    ['equals: number', { quantity: [1000] }, order, true],
    ['equals: number is not its string', { quantity: ['1000'] }, order, false],
    ['equals: boolean', { active: [true] }, { active: true }, true],
    ['equals: boolean false', { active: [true] }, { active: false }, false],
    ['null matches a null value', { note: [null] }, order, true],
    ['null does not match a missing field', { missing: [null] }, order, false],
    ['empty string', { name: [''] }, { name: '' }, true],
    ['empty string is not null', { name: [''] }, { name: null }, false],
    ['a missing field fails a literal', { missing: ['x'] }, order, false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<Case>([
    ['prefix', { stock: [{ prefix: 'ANY' }] }, order, true],
    ['prefix mismatch', { stock: [{ prefix: 'NY' }] }, order, false],
    ['prefix on a number never matches', { quantity: [{ prefix: '1' }] }, order, false],
    ['prefix ignoring case', { stock: [{ prefix: { 'equals-ignore-case': 'any' } }] }, order, true],
    ['suffix', { stock: [{ suffix: 'CO' }] }, order, true],
    ['suffix mismatch', { stock: [{ suffix: 'ANY' }] }, order, false],
    ['suffix ignoring case', { stock: [{ suffix: { 'equals-ignore-case': 'yco' } }] }, order, true],
    ['equals-ignore-case', { stock: [{ 'equals-ignore-case': 'anyco' }] }, order, true],
    ['equals-ignore-case mismatch', { stock: [{ 'equals-ignore-case': 'other' }] }, order, false],
    ['wildcard', { stock: [{ wildcard: 'A*CO' }] }, order, true],
    ['wildcard mismatch', { stock: [{ wildcard: 'B*' }] }, order, false],
    ['wildcard escaped star is literal', { s: [{ wildcard: 'a\\*b' }] }, { s: 'a*b' }, true],
    ['wildcard escaped star is not a wildcard', { s: [{ wildcard: 'a\\*b' }] }, { s: 'axxb' }, false],
    ['wildcard dot is literal', { s: [{ wildcard: 'a.c' }] }, { s: 'abc' }, false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<Case>([
    ['numeric >', { quantity: [{ numeric: ['>', 999] }] }, order, true],
    ['numeric > at the bound', { quantity: [{ numeric: ['>', 1000] }] }, order, false],
    ['numeric >=', { quantity: [{ numeric: ['>=', 1000] }] }, order, true],
    ['numeric <', { price: [{ numeric: ['<', 13] }] }, order, true],
    ['numeric <=', { price: [{ numeric: ['<=', 12.5] }] }, order, true],
    ['numeric <= above', { price: [{ numeric: ['<=', 12] }] }, order, false],
    ['numeric =', { price: [{ numeric: ['=', 12.5] }] }, order, true],
    ['numeric range inside', { quantity: [{ numeric: ['>', 0, '<=', 1000] }] }, order, true],
    ['numeric range outside', { quantity: [{ numeric: ['>', 0, '<', 1000] }] }, order, false],
    ['numeric on a numeric string never matches', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<Case>([
    ['anything-but a value', { type: [{ 'anything-but': 'sell' }] }, order, true],
    ['anything-but the value itself', { type: [{ 'anything-but': 'buy' }] }, order, false],
    ['anything-but a list', { type: [{ 'anything-but': ['sell', 'hold'] }] }, order, true],
    ['anything-but a list holding the value', { type: [{ 'anything-but': ['buy', 'x'] }] }, order, false],
    ['anything-but numbers', { quantity: [{ 'anything-but': [1, 2] }] }, order, true],
    ['anything-but a prefix', { stock: [{ 'anything-but': { prefix: 'ANY' } }] }, order, false],
    ['anything-but another prefix', { stock: [{ 'anything-but': { prefix: 'X' } }] }, order, true],
    ['anything-but a suffix', { stock: [{ 'anything-but': { suffix: 'CO' } }] }, order, false],
    [
      'anything-but ignoring case',
      { stock: [{ 'anything-but': { 'equals-ignore-case': ['anyco', 'x'] } }] },
      order,
      false,
    ],
    ['anything-but a wildcard', { stock: [{ 'anything-but': { wildcard: 'A*' } }] }, order, false],
    ['anything-but needs the field', { missing: [{ 'anything-but': 'x' }] }, order, false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<Case>([
    ['exists true', { stock: [{ exists: true }] }, order, true],
    ['exists true on a missing field', { missing: [{ exists: true }] }, order, false],
    ['exists false on a missing field', { missing: [{ exists: false }] }, order, true],
    ['exists false on a present field', { stock: [{ exists: false }] }, order, false],
    ['exists true on a null value', { note: [{ exists: true }] }, order, true],
    ['exists looks at leaves only', { nested: [{ exists: true }] }, { nested: { a: 1 } }, false],
    ['exists false under a missing parent', { a: { b: [{ exists: false }] } }, {}, true],
    ['exists true under a missing parent', { a: { b: [{ exists: true }] } }, {}, false],
    ['exists on an empty array', { list: [{ exists: true }] }, { list: [] }, false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it.each<Case>([
    ['nested objects', { order: { type: ['buy'] } }, { order }, true],
    ['nested mismatch', { order: { type: ['sell'] } }, { order }, false],
    ['sibling fields are AND-ed', { type: ['buy'], stock: ['OTHER'] }, order, false],
    ['matchers in one list are OR-ed', { type: ['sell', { prefix: 'b' }] }, order, true],
    ['an array field matches when one element does', { tags: ['b'] }, order, true],
    ['an array field with no matching element', { tags: ['c'] }, order, false],
    [
      'a nested pattern over an array of objects needs one element to match all of it',
      { items: { sku: ['x'], qty: [2] } },
      {
        items: [
          { sku: 'x', qty: 1 },
          { sku: 'y', qty: 2 },
        ],
      },
      false,
    ],
    [
      'a nested pattern over an array of objects',
      { items: { sku: ['x'], qty: [1] } },
      {
        items: [
          { sku: 'y', qty: 2 },
          { sku: 'x', qty: 1 },
        ],
      },
      true,
    ],
    ['$or: first alternative', { $or: [{ type: ['buy'] }, { quantity: [1] }] }, order, true],
    ['$or: second alternative', { $or: [{ type: ['sell'] }, { quantity: [1000] }] }, order, true],
    ['$or: none', { $or: [{ type: ['sell'] }, { quantity: [1] }] }, order, false],
    ['$or AND-ed with siblings', { stock: ['X'], $or: [{ type: ['buy'] }, { quantity: [1] }] }, order, false],
    ['empty pattern matches anything', {}, order, true],
    ['a non-object event has no fields', { type: ['buy'] }, 'buy', false],
  ])('%s', (_what, pattern, event, expected) => {
    expect(matchesPattern(event, pattern)).toBe(expected);
  });

  it('filters DynamoDB stream records on their DynamoDB JSON', () => {
    // Prepare: the record shape Lambda filters for DynamoDB event sources.
    const record = {
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: { S: 'user#1' } }, NewImage: { pk: { S: 'user#1' }, n: { N: '5' } } },
    };
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'user#' }] } } } };

    // Act / Assess
    expect(matchesPattern(record, pattern)).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { n: { N: [{ numeric: ['>', 1] }] } } } })).toBe(
      false,
    );
  });
});

describe('validatePattern', () => {
  it.each<[string, unknown]>([
    ['literals and matchers', { a: ['x', 1, true, null, { prefix: 'p' }, { numeric: ['>', 0, '<=', 5] }] }],
    ['anything-but forms', { a: [{ 'anything-but': ['x'] }, { 'anything-but': { prefix: 'p' } }] }],
    ['nested and $or', { a: { b: [{ exists: false }] }, $or: [{ c: ['1'] }, { d: ['2'] }] }],
    ['affixes ignoring case', { a: [{ suffix: { 'equals-ignore-case': 'X' } }] }],
  ])('accepts %s', (_what, pattern) => {
    expect(validatePattern(pattern, 'filter')).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a non-object pattern', ['x'], 'filter: a filter pattern must be an object'],
    ['a bare leaf value', { a: 'x' }, 'filter.a: leaf values must be lists of matchers'],
    ['an empty list', { a: [] }, 'filter.a: an empty list matches nothing'],
    ['an unknown matcher', { a: [{ contains: 'x' }] }, 'filter.a[0]: unknown matcher'],
    ['numeric with a bad op', { a: [{ numeric: ['!=', 1] }] }, 'filter.a[0]: numeric takes'],
    ['numeric with a string bound', { a: [{ numeric: ['>', '1'] }] }, 'filter.a[0]: numeric takes'],
    ['an inverted numeric range', { a: [{ numeric: ['>', 5, '<', 1] }] }, 'lower bound 5 must be below'],
    ['a range with two lower bounds', { a: [{ numeric: ['>', 1, '>', 2] }] }, 'filter.a[0]: numeric takes'],
    ['exists with a string', { a: [{ exists: 'yes' }] }, 'filter.a[0]: exists takes true or false'],
    ['prefix with a number', { a: [{ prefix: 1 }] }, 'filter.a[0]: prefix takes a string'],
    ['consecutive wildcards', { a: [{ wildcard: 'a**' }] }, 'must not contain consecutive'],
    ['anything-but an object', { a: [{ 'anything-but': { exists: true } }] }, 'filter.a[0]: anything-but'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, 'filter.$or: "$or" takes a list of at least two'],
  ])('rejects %s', (_what, pattern, message) => {
    expect(validatePattern(pattern, 'filter').join('\n')).toContain(message);
  });
});
