/**
 * Key templates: literal text with `{field}` placeholders read from an event, shared by every sink.
 *
 * - `{a.b}` reads a nested (own) field; `{$topic}`, `{$partition}`, `{$offset}`, `{$timestamp}` read the Kafka
 *   record's coordinates (and `{$op}` a change's operation); other `$` names are refused at compile time.
 * - A scalar renders as its text; the change envelope's tagged big number `{"$N": "123…"}` as its digits.
 * - `{field:format}` formats a time field (epoch ms, epoch s or an ISO string) in UTC with the tokens
 *   `yyyy MM dd HH mm ss`; other characters (digits, punctuation, `T`, `Z`) are copied, e.g. `{ts:yyyyMMddHH}` → `2026112608`.
 * - `{{` and `}}` stand for literal braces (Redis Cluster hash tags): `{{tenant}}:{id}`.
 *
 * A template is compiled once (at cold start) and rendered per event; a missing or non-scalar field
 * raises a {@link TemplateFieldError}, which makes the record a poison record, never a wrong key.
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
  render(context: TemplateContext): string;
}

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
    return Number.isNaN(new Date(millis).getTime()) ? undefined : millis;
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

function scalarText(source: string, name: string, value: unknown): string {
  if (value === undefined || value === null) throw new TemplateFieldError(source, name, 'is missing');
  if (typeof value === 'string') {
    if (value === '') throw new TemplateFieldError(source, name, 'is empty');
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (isTaggedNumber(value)) return value.$N;
  throw new TemplateFieldError(
    source,
    name,
    `is ${Array.isArray(value) ? 'an array' : 'an object'}, not a scalar`,
  );
}

/**
 * Compiles a key template; throws {@link TemplateSyntaxError} when it is malformed.
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
  // Events of a batch mostly fall in the same time bucket: remember the last formatted bucket per part.
  const lastBucket = parts.map(() => Number.NaN);
  const lastText = parts.map(() => '');
  return {
    source,
    fields,
    render(context: TemplateContext): string {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Part;
        if (part.kind === 'text') out += part.text;
        else if (part.kind === 'meta') out += scalarText(source, `$${part.name}`, context.meta[part.name]);
        else {
          const value = readField(context.fields, part.path);
          if (part.format === undefined) {
            out += scalarText(source, part.name, value);
            continue;
          }
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
          out += lastText[i];
        }
      }
      return out;
    },
  };
}
