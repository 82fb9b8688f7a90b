import { describe, expect, it } from 'vitest';
import type { TemplateContext } from '../../config/keyTemplate';
import {
  compileTemplate,
  formatUtc,
  RENDER_MEMO_CHARS,
  RENDER_MEMO_LIMIT,
  readField,
  TemplateFieldError,
  TemplateSyntaxError,
  templateLiteralPrefix,
  toEpochMillis,
} from '../../config/keyTemplate';

const NOV_26_2025_08H = Date.UTC(2025, 10, 26, 8, 5, 9);

function context(fields: Record<string, unknown>, meta: TemplateContext['meta'] = {}): TemplateContext {
  return { fields, meta };
}

describe('compileTemplate', () => {
  it('renders fields, nested fields and literal text', () => {
    // Prepare
    const template = compileTemplate('session:{user.id}:{sessionId}');
    // Act
    const key = template.render(context({ sessionId: 's1', user: { id: 42 } }));
    // Assess
    expect(key).toBe('session:42:s1');
    expect(template.fields).toEqual(['user.id', 'sessionId']);
  });

  it('renders record metadata', () => {
    const template = compileTemplate('{$topic}-{$partition}-{$offset}-{$timestamp}-{$op}');
    const key = template.render(
      context({}, { topic: 'clicks', partition: 2, offset: 17, timestamp: 5, op: 'u' }),
    );
    expect(key).toBe('clicks-2-17-5-u');
    expect(template.fields).toEqual([]);
  });

  it.each([
    ['epoch ms', NOV_26_2025_08H],
    ['epoch s', NOV_26_2025_08H / 1000],
    ['numeric string', String(NOV_26_2025_08H)],
    ['ISO string', new Date(NOV_26_2025_08H).toISOString()],
  ])('formats a time field given as %s in UTC', (_, ts) => {
    const template = compileTemplate('clicks:{page}:{ts:yyyyMMddHH}/{ts:yyyy-MM-ddTHH:mm:ssZ}');
    expect(template.render(context({ page: 'home', ts }))).toBe(
      'clicks:home:2025112608/2025-11-26T08:05:09Z',
    );
  });

  it('formats right across bucket boundaries when times alternate (the last-bucket cache)', () => {
    // Prepare
    const hourly = compileTemplate('{ts:yyyyMMddHH}');
    const secondly = compileTemplate('{ts:HHmmss}');
    const times = [
      Date.UTC(2025, 10, 26, 8, 59, 59, 999),
      Date.UTC(2025, 10, 26, 9, 0, 0, 0),
      Date.UTC(2025, 10, 26, 8, 30),
      Date.UTC(1959, 11, 31, 23, 59, 59, 500),
      Date.UTC(1960, 0, 1, 0, 0, 0, 0),
    ];
    // Act
    const rendered = times.map((ts) => [hourly, secondly].map((t) => t.render(context({ ts }))).join(' '));
    // Assess
    expect(rendered).toEqual([
      '2025112608 085959',
      '2025112609 090000',
      '2025112608 083000',
      '1959123123 235959',
      '1960010100 000000',
    ]);
  });

  it('turns doubled braces into literal braces (Redis Cluster hash tags)', () => {
    expect(compileTemplate('{{tenant}}:{id}').render(context({ id: 'a' }))).toBe('{tenant}:a');
    expect(compileTemplate('views:{{{page}}}:total').render(context({ page: 'home' }))).toBe(
      'views:{home}:total',
    );
  });

  it('renders scalars: numbers, booleans and the envelope tagged big number', () => {
    const template = compileTemplate('{n}:{b}:{big}');
    const key = template.render(context({ n: 1.5, b: false, big: { $N: '12345678901234567890' } }));
    expect(key).toBe('1.5:false:12345678901234567890');
  });

  it.each([
    ['missing', {}, 'is missing'],
    ['null', { id: null }, 'is missing'],
    ['empty', { id: '' }, 'is empty'],
    ['an object', { id: { a: 1 } }, 'is an object, not a scalar'],
    ['an array', { id: [1] }, 'is an array, not a scalar'],
  ])('refuses a field that is %s, naming the field', (_, fields, reason) => {
    const template = compileTemplate('user:{id}');
    expect(() => template.render(context(fields))).toThrow(TemplateFieldError);
    expect(() => template.render(context(fields))).toThrow(`field "id" ${reason}`);
  });

  it('reads only the event own fields, never inherited properties', () => {
    const template = compileTemplate('k:{constructor}:{toString}');
    expect(() => template.render(context({}))).toThrow('field "constructor" is missing');
    expect(compileTemplate('k:{__proto__}').fields).toEqual(['__proto__']);
    expect(() => compileTemplate('k:{__proto__}').render(context({}))).toThrow('is missing');
  });

  it('refuses a time field that is not a time', () => {
    const template = compileTemplate('{ts:yyyy}');
    expect(() => template.render(context({ ts: 'yesterday' }))).toThrow('is not a time');
    expect(() => template.render(context({}))).toThrow('field "ts" is missing');
    expect(() => template.render(context({ ts: 1e300 }))).toThrow('is not a time');
  });

  it('refuses a missing metadata value at render time', () => {
    expect(() => compileTemplate('{$op}').render(context({}, {}))).toThrow('field "$op" is missing');
  });

  it.each([
    ['', 'must be a non-empty string'],
    ['a:{id', 'unclosed "{" at position 2'],
    ['a:id}', 'unmatched "}" at position 4'],
    ['a:{}', '"" is not a field name'],
    ['a:{1x}', '"1x" is not a field name'],
    ['a:{id.}', '"id." is not a field name'],
    ['a:{ts:yyyy-QQ}', 'format "yyyy-QQ" may use only'],
    ['a:{ts:}', 'an empty format'],
    ['a:{$topic:yyyy}', '"$topic" takes no format'],
    ['a:{$nope}', 'unknown metadata "$nope"'],
  ])('refuses the malformed template %j', (source, reason) => {
    expect(() => compileTemplate(source)).toThrow(TemplateSyntaxError);
    expect(() => compileTemplate(source)).toThrow(reason);
  });

  it('renders a remembered key as the same text, and keys of different parts apart', () => {
    // Prepare
    const template = compileTemplate('views:{page}:{n}:{ts:yyyyMMdd}');
    const events = [
      { page: 'home', n: 1, ts: NOV_26_2025_08H },
      { page: 'home', n: '1', ts: NOV_26_2025_08H + 1 },
      { page: 'home', n: 1, ts: NOV_26_2025_08H },
      { page: 'home', n: { $N: '1' }, ts: NOV_26_2025_08H },
      { page: 'home', n: 2, ts: NOV_26_2025_08H },
      { page: 'cart', n: 1, ts: NOV_26_2025_08H },
      { page: 'home', n: 1, ts: NOV_26_2025_08H + 86_400_000 },
    ];
    // Act
    const keys = events.map((fields) => template.render(context(fields)));
    // Assess
    expect(keys).toEqual([
      'views:home:1:20251126',
      'views:home:1:20251126',
      'views:home:1:20251126',
      'views:home:1:20251126',
      'views:home:2:20251126',
      'views:cart:1:20251126',
      'views:home:1:20251127',
    ]);
    // The number 1 and the text "1" are remembered apart (same text); a repeat adds nothing.
    expect(template.memoSize).toBe(5);
  });

  it('checks every part of an event even when its key is remembered', () => {
    // Prepare
    const template = compileTemplate('{page}:{ts:yyyy}');
    template.render(context({ page: 'home', ts: NOV_26_2025_08H }));
    // Act
    const missing = () => template.render(context({ page: 'home' }));
    const wrong = () => template.render(context({ page: ['home'], ts: NOV_26_2025_08H }));
    // Assess
    expect(missing).toThrow('field "ts" is missing');
    expect(wrong).toThrow('field "page" is an array, not a scalar');
  });

  it('remembers at most RENDER_MEMO_LIMIT keys and renders right after starting over', () => {
    // Prepare
    const template = compileTemplate('user:{id}:{tenant}');
    const ids = Array.from({ length: RENDER_MEMO_LIMIT * 2 + 10 }, (_, i) => i);
    // Act
    const keys = ids.map((id) => template.render(context({ id, tenant: 't' })));
    const sizes = [template.memoSize];
    const again = template.render(context({ id: 0, tenant: 't' }));
    sizes.push(template.memoSize);
    // Assess
    expect(keys).toEqual(ids.map((id) => `user:${id}:t`));
    expect(again).toBe('user:0:t');
    expect(sizes).toEqual([10, 11]);
  });

  it('remembers at most RENDER_MEMO_CHARS characters of keys (keys over large fields)', () => {
    // Prepare
    const template = compileTemplate('doc:{body}');
    const body = (i: number) => `${i}:${'x'.repeat(10_000)}`;
    const count = Math.ceil(RENDER_MEMO_CHARS / 10_000) + 5;
    // Act
    const keys = Array.from({ length: count }, (_, i) => template.render(context({ body: body(i) })));
    // Assess
    expect(keys).toEqual(Array.from({ length: count }, (_, i) => `doc:${body(i)}`));
    expect(template.memoSize).toBeLessThanOrEqual(Math.ceil(RENDER_MEMO_CHARS / 10_000));
    expect(template.memoSize).toBeLessThan(count);
  });

  it('remembers nothing for templates whose keys never repeat (offset, timestamp) or never vary', () => {
    // Prepare
    const byOffset = compileTemplate('e:{$topic}:{$offset}');
    const constant = compileTemplate('leaderboard:{{all}}');
    // Act
    const keys = [1, 2, 1].map((offset) => byOffset.render(context({}, { topic: 't', offset })));
    // Assess
    expect(keys).toEqual(['e:t:1', 'e:t:2', 'e:t:1']);
    expect(byOffset.memoSize).toBe(0);
    expect(constant.render(context({}))).toBe('leaderboard:{all}');
    expect(constant.memoSize).toBe(0);
  });

  it('refuses a template that is not a string', () => {
    expect(() => compileTemplate(42 as unknown as string)).toThrow(TemplateSyntaxError);
  });
});

describe('readField', () => {
  it('reads dotted paths and path arrays, undefined when a step is missing', () => {
    const fields = { a: { b: { c: 3 } }, s: 'x' };
    expect(readField(fields, 'a.b.c')).toBe(3);
    expect(readField(fields, ['a', 'b'])).toEqual({ c: 3 });
    expect(readField(fields, 'a.x.c')).toBeUndefined();
    expect(readField(fields, 's.length')).toBeUndefined();
    expect(readField(fields, 'hasOwnProperty')).toBeUndefined();
  });
});

describe('toEpochMillis', () => {
  it.each([
    [1_700_000_000, 1_700_000_000_000],
    [1_700_000_000_000, 1_700_000_000_000],
    ['1700000000', 1_700_000_000_000],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    [10n, 10_000],
  ])('reads %s', (value, expected) => {
    expect(toEpochMillis(value)).toBe(expected);
  });

  it('accepts exactly the milliseconds a Date can hold', () => {
    const edges = [8.64e15, -8.64e15, 8.64e15 + 1, -8.64e15 - 1, 8.64e15 - 0.5, 1e11, -1e11, 1e11 + 0.5];
    for (const ms of edges) {
      expect(toEpochMillis(ms)).toBe(Number.isNaN(new Date(ms).getTime()) ? undefined : ms);
    }
  });

  it.each([[''], ['  '], ['soon'], [Number.NaN], [Number.POSITIVE_INFINITY], [1e300], [null], [{}], [true]])(
    'returns undefined for %j',
    (value) => {
      expect(toEpochMillis(value)).toBeUndefined();
    },
  );
});

describe('formatUtc', () => {
  it('replaces every token and copies other characters', () => {
    expect(formatUtc(NOV_26_2025_08H, 'yyyy/MM/dd HH:mm:ss')).toBe('2025/11/26 08:05:09');
    expect(formatUtc(Date.parse('0005-01-01T00:00:00Z'), 'yyyy')).toBe('0005');
  });
});

describe('templateLiteralPrefix', () => {
  it.each([
    ['views:{page}:{ts:yyyyMMdd}', 'views:'],
    ['session:{sessionId}', 'session:'],
    ['{{tenant}}:{id}', '{tenant}:'],
    ['leaderboard:global', 'leaderboard:global'],
    ['{page}:views', ''],
    ['{$topic}:{$partition}', ''],
  ])('gives the literal start of %s', (template, prefix) => {
    expect(templateLiteralPrefix(template)).toBe(prefix);
  });
});
