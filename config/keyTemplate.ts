/**
 * Key templates: literal text with `{field}` placeholders read from an event, shared by every sink; the
 * language is described in docs/configuration.md ("Key templates"). Compiled once, rendered per event.
 *
 * @example
 * ```ts
 * const t = compileTemplate('clicks:{page}:{ts:yyyyMMddHH}');
 * t.render({ fields: { page: 'home', ts: 1764144000000 }, meta: {} }); // 'clicks:home:2025112608'
 * ```
 */

export interface TemplateContext {
  /** The event's fields: a plain JSON event, or the after (else before) image of a change. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Record metadata addressed as `{$name}`. */
  readonly meta: Readonly<Record<string, string | number | bigint | undefined>>;
}

export interface CompiledTemplate {
  readonly source: string;
  /** Event field paths the template reads (without `$` metadata). */
  readonly fields: readonly string[];
  /** Rendered keys the template remembers (see {@link RENDER_MEMO_LIMIT}). */
  readonly memoSize: number;
  render(context: TemplateContext): string;
}

/**
 * Rendered keys a template remembers before it starts over. A batch's keys repeat (10 000 clicks over 50
 * pages), and returning the remembered string object lets a Map lookup by key reuse the string's cached
 * hash instead of flattening and hashing a freshly concatenated one; the bound keeps a long-lived execution
 * environment's memory flat when keys keep changing.
 */
export const RENDER_MEMO_LIMIT = 4096;
/** Characters of rendered keys a template remembers before it starts over (keys over large fields). */
export const RENDER_MEMO_CHARS = 256 * 1024;

/** The template itself is malformed (caught at synth time and at cold start). */
export class TemplateSyntaxError extends Error {
  constructor(template: string, reason: string) {
    super(`key template "${template}": ${reason}`);
    this.name = 'TemplateSyntaxError';
  }
}

/** An event lacks a field the template needs, or the field is not a scalar. */
export class TemplateFieldError extends Error {
  readonly field: string;

  constructor(template: string, field: string, reason: string) {
    super(`key template "${template}": field "${field}" ${reason}`);
    this.name = 'TemplateFieldError';
    this.field = field;
  }
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'field';
      readonly path: readonly string[];
      readonly name: string;
      readonly format?: string;
      /** Milliseconds the format cannot tell apart (its finest token), for the last-rendered cache. */
      readonly granularity?: number;
    }
  | { readonly kind: 'meta'; readonly name: string };

const FORMAT_TOKENS = /yyyy|MM|dd|HH|mm|ss/g;
/** Record metadata a template may address as `{$name}`. */
const META_NAMES = ['topic', 'partition', 'offset', 'timestamp', 'op'];
const FIELD_NAME = /^\$?[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;
/** The largest distance from the epoch a `Date` can hold, in ms. */
const MAX_DATE_MILLIS = 8.64e15;

/** The finest unit a format shows: times within one unit (aligned on the epoch, UTC) format the same. */
function granularityOf(format: string | undefined): number | undefined {
  if (format === undefined) return undefined;
  if (format.includes('ss')) return 1_000;
  if (format.includes('mm')) return 60_000;
  if (format.includes('HH')) return 3_600_000;
  return 86_400_000;
}

function parse(source: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if ((ch === '{' || ch === '}') && source[i + 1] === ch) {
      text += ch;
      i++;
      continue;
    }
    if (ch === '}') throw new TemplateSyntaxError(source, `unmatched "}" at position ${i}`);
    if (ch !== '{') {
      text += ch;
      continue;
    }
    const end = source.indexOf('}', i);
    if (end < 0) throw new TemplateSyntaxError(source, `unclosed "{" at position ${i}`);
    const body = source.slice(i + 1, end);
    const colon = body.indexOf(':');
    const name = colon < 0 ? body : body.slice(0, colon);
    const format = colon < 0 ? undefined : body.slice(colon + 1);
    if (!FIELD_NAME.test(name)) throw new TemplateSyntaxError(source, `"${name}" is not a field name`);
    if (format === '') throw new TemplateSyntaxError(source, `"${name}" has an empty format`);
    if (format?.replace(FORMAT_TOKENS, '').match(/[A-SU-Ya-z]/)) {
      throw new TemplateSyntaxError(source, `format "${format}" may use only yyyy MM dd HH mm ss (and T, Z)`);
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    if (name.startsWith('$')) {
      if (format !== undefined) throw new TemplateSyntaxError(source, `"${name}" takes no format`);
      if (!META_NAMES.includes(name.slice(1))) {
        throw new TemplateSyntaxError(
          source,
          `unknown metadata "${name}" (known: ${META_NAMES.map((n) => `$${n}`).join(', ')})`,
        );
      }
      parts.push({ kind: 'meta', name: name.slice(1) });
    } else {
      parts.push({ kind: 'field', path: name.split('.'), name, format, granularity: granularityOf(format) });
    }
    i = end;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

/**
 * The text every key of a template starts with, before its first placeholder (the whole key when it has
 * none); `''` when it starts with one. Infrastructure limits the cache user's ACL to these prefixes.
 *
 * @example
 * ```ts
 * templateLiteralPrefix('views:{page}:{ts:yyyyMMdd}'); // 'views:'
 * templateLiteralPrefix('{{tenant}}:{id}'); // '{tenant}:'
 * ```
 */
export function templateLiteralPrefix(source: string): string {
  const [first] = parse(source);
  return first?.kind === 'text' ? first.text : '';
}

/**
 * Reads a dotted path from an object's own properties (an event named `constructor` or `__proto__` is a
 * field like any other, never an inherited property); `undefined` when any step is missing.
 */
export function readField(
  fields: Readonly<Record<string, unknown>>,
  path: readonly string[] | string,
): unknown {
  const steps = typeof path === 'string' ? path.split('.') : path;
  let value: unknown = fields;
  for (const step of steps) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/**
 * Converts a time field to epoch milliseconds: numbers below 1e11 are seconds, others milliseconds;
 * strings are ISO-8601 or numeric. Returns `undefined` when the value is not a time (or is outside the
 * range a `Date` can hold, which would format as `NaN`).
 */
export function toEpochMillis(value: unknown): number | undefined {
  if (typeof value === 'bigint') return toEpochMillis(Number(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const millis = Math.abs(value) < 1e11 ? value * 1000 : value;
    // The range of a Date (ECMAScript TimeClip), checked without allocating one.
    return Math.abs(millis) > MAX_DATE_MILLIS ? undefined : millis;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return toEpochMillis(asNumber);
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Formats epoch milliseconds in UTC with the template tokens `yyyy MM dd HH mm ss`. */
export function formatUtc(epochMillis: number, format: string): string {
  const d = new Date(epochMillis);
  const pad = (n: number) => String(n).padStart(2, '0');
  const tokens: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()).padStart(4, '0'),
    MM: pad(d.getUTCMonth() + 1),
    dd: pad(d.getUTCDate()),
    HH: pad(d.getUTCHours()),
    mm: pad(d.getUTCMinutes()),
    ss: pad(d.getUTCSeconds()),
  };
  return format.replace(FORMAT_TOKENS, (token) => tokens[token] ?? token);
}

function isTaggedNumber(value: unknown): value is { $N: string } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$N' && typeof (value as { $N: unknown }).$N === 'string';
}

/** A scalar's memo key: the value itself (its text is `String(key)`), a tagged big number's digits. */
type ScalarKey = string | number | bigint | boolean;

function scalarKey(source: string, name: string, value: unknown): ScalarKey {
  if (value === undefined || value === null) throw new TemplateFieldError(source, name, 'is missing');
  if (typeof value === 'string') {
    if (value === '') throw new TemplateFieldError(source, name, 'is empty');
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
  if (isTaggedNumber(value)) return value.$N;
  throw new TemplateFieldError(
    source,
    name,
    `is ${Array.isArray(value) ? 'an array' : 'an object'}, not a scalar`,
  );
}

/** Metadata unique to (almost) every record: a template using it renders keys that never repeat. */
const UNIQUE_META = ['offset', 'timestamp'];

/**
 * Compiles a key template; throws {@link TemplateSyntaxError} when it is malformed.
 *
 * Rendered keys are remembered per template, by the texts of their variable parts (one nested Map level
 * per part), so the same key renders as the same string object (see {@link RENDER_MEMO_LIMIT}).
 *
 * @example
 * ```ts
 * compileTemplate('session:{sessionId}').render({ fields: { sessionId: 's1' }, meta: {} }); // 'session:s1'
 * ```
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (typeof source !== 'string' || source.length === 0) {
    throw new TemplateSyntaxError(String(source), 'must be a non-empty string');
  }
  const parts = parse(source);
  const fields = parts.flatMap((part) => (part.kind === 'field' ? [part.name] : []));
  const variableParts = parts.filter((part) => part.kind !== 'text').length;
  if (variableParts === 0) {
    const constant = (parts[0] as { text: string }).text;
    return { source, fields, memoSize: 0, render: () => constant };
  }
  const memoize = !parts.some((part) => part.kind === 'meta' && UNIQUE_META.includes(part.name));
  // Events of a batch mostly fall in the same time bucket: remember the last formatted bucket per part.
  const lastBucket = parts.map(() => Number.NaN);
  const lastText = parts.map(() => '');
  /** Per part, its memo key for the event being rendered (reused: render never re-enters). */
  const keys: ScalarKey[] = parts.map(() => '');
  /** Nested Maps, one level per variable part, keyed by the parts' memo keys; the last level holds keys. */
  let memo = new Map<ScalarKey, unknown>();
  let memoSize = 0;
  let memoChars = 0;

  /** The memo key of a variable part: its scalar, or its formatted time bucket. */
  function partKey(part: Exclude<Part, { kind: 'text' }>, i: number, context: TemplateContext): ScalarKey {
    if (part.kind === 'meta') return scalarKey(source, `$${part.name}`, context.meta[part.name]);
    const value = readField(context.fields, part.path);
    if (part.format === undefined) return scalarKey(source, part.name, value);
    const millis = toEpochMillis(value);
    if (millis === undefined) {
      if (value === undefined || value === null)
        throw new TemplateFieldError(source, part.name, 'is missing');
      throw new TemplateFieldError(source, part.name, `is not a time (got ${JSON.stringify(value)})`);
    }
    const bucket = Math.floor(millis / (part.granularity as number));
    if (bucket !== lastBucket[i]) {
      lastBucket[i] = bucket;
      lastText[i] = formatUtc(millis, part.format);
    }
    return lastText[i] as string;
  }

  function remember(rendered: string): void {
    if (memoSize >= RENDER_MEMO_LIMIT || memoChars >= RENDER_MEMO_CHARS) {
      memo = new Map();
      memoSize = 0;
      memoChars = 0;
    }
    let level = memo;
    let seen = 0;
    for (let i = 0; i < parts.length; i++) {
      if ((parts[i] as Part).kind === 'text') continue;
      const key = keys[i] as ScalarKey;
      if (++seen === variableParts) {
        level.set(key, rendered);
        break;
      }
      let next = level.get(key) as Map<ScalarKey, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
    memoSize++;
    memoChars += rendered.length;
  }

  return {
    source,
    fields,
    get memoSize() {
      return memoSize;
    },
    render(context: TemplateContext): string {
      // Every part is read (and checked) first, so a bad event fails exactly as without the memo.
      let found: unknown = memoize ? memo : undefined;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Part;
        if (part.kind === 'text') continue;
        const key = partKey(part, i, context);
        keys[i] = key;
        if (found !== undefined) found = (found as Map<ScalarKey, unknown>).get(key);
      }
      if (found !== undefined) return found as string;
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Part;
        if (part.kind === 'text') out += part.text;
        else {
          const key = keys[i] as ScalarKey;
          out += typeof key === 'string' ? key : String(key);
        }
      }
      if (memoize) remember(out);
      return out;
    },
  };
}
