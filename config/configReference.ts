/**
 * Renders docs/configuration.md from the schema (`schema.ts`): every field with its path, type, default,
 * allowed values or range and description, one section per part of the config. Defaults applied outside
 * config/ (CDK defaults in lib/, handler constants) are passed in by the caller (`streambridge docs`), so
 * the page shows what the code that applies them uses.
 *
 * @example
 * ```ts
 * writeFileSync('docs/configuration.md', renderConfigReference({ 'kafka.brokerCount': { value: 2 } }));
 * ```
 */
import { ConfigError } from './errors';
import * as S from './schema';
import type { SchemaNode } from './validateAgainstSchema';

/** A default as the page shows it: a value (rendered as code) or a sentence. */
export type DocumentedDefault = { readonly value: unknown } | { readonly text: string };

/** Defaults applied outside config/, by the path the page shows (`kafka.brokerCount`, `eventSource.batchSize`). */
export type DocumentedDefaults = Readonly<Record<string, DocumentedDefault>>;

/** The command that writes the page, named in its header and in the staleness test. */
export const CONFIG_REFERENCE_COMMAND = 'npm run docs';

interface Row {
  readonly path: string;
  readonly node: SchemaNode;
  readonly required: boolean;
}

const node = (schema: unknown) => schema as SchemaNode;

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function number(n: number): string {
  return n === Number.MAX_SAFE_INTEGER ? 'no limit' : n.toLocaleString('en-US').replace(/,/g, ' ');
}

function typeName(schema: SchemaNode): string {
  if (schema.format === 'key-template') return 'key template';
  if (schema.format === 'filter-pattern') return 'filter pattern';
  if (schema.enum !== undefined) return 'one of';
  if (schema.const !== undefined) return 'constant';
  if (schema.discriminator !== undefined) return `object (by \`${schema.discriminator}\`)`;
  if (schema.type === 'array') return `list of ${schema.items ? typeName(schema.items) : 'values'}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `map of ${typeName(schema.additionalProperties)}`;
  }
  return schema.type ?? 'any';
}

function allowed(schema: SchemaNode): string {
  if (schema.enum !== undefined) return schema.enum.map(code).join(' | ');
  if (schema.const !== undefined) return code(schema.const);
  if (schema.type === 'integer') {
    return `${number(schema.minimum ?? Number.MIN_SAFE_INTEGER)} to ${number(schema.maximum ?? Number.MAX_SAFE_INTEGER)}`;
  }
  if (schema.pattern !== undefined) return schema.patternHint ?? code(schema.pattern);
  if (schema.type === 'array') {
    const limits = [
      schema.minItems ? `at least ${schema.minItems}` : '',
      schema.maxItems !== undefined ? `at most ${schema.maxItems}` : '',
    ].filter(Boolean);
    return limits.join(', ');
  }
  return '';
}

/** Renders the tables of the page, tracking which passed-in defaults were used. */
class Renderer {
  readonly #defaults: DocumentedDefaults;
  readonly #used = new Set<string>();

  constructor(defaults: DocumentedDefaults) {
    this.#defaults = defaults;
  }

  unused(): string[] {
    return Object.keys(this.#defaults).filter((path) => !this.#used.has(path));
  }

  #defaultOf(row: Row): string {
    const passed = this.#defaults[row.path];
    if (passed !== undefined) {
      if (row.node.default !== undefined) {
        throw new ConfigError(
          [`${row.path}: has a default in the schema and one passed in`],
          'config reference',
        );
      }
      this.#used.add(row.path);
      return 'value' in passed ? code(passed.value) : passed.text;
    }
    if (row.node.default !== undefined) return code(row.node.default);
    return row.required ? 'required' : '';
  }

  table(rows: readonly Row[]): string {
    const lines = ['| Field | Type | Default | Allowed | Description |', '| --- | --- | --- | --- | --- |'];
    for (const row of rows) {
      const see = row.node.title ? ` See [${row.node.title}](#${anchor(row.node.title)}).` : '';
      const cells = [
        code(row.path),
        typeName(row.node),
        this.#defaultOf(row),
        allowed(row.node),
        `${row.node.description ?? ''}${see}`.trim(),
      ];
      lines.push(`| ${cells.map(cell).join(' | ')} |`);
    }
    return lines.join('\n');
  }
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

/**
 * The rows of an object's fields, depth first: an object field's own fields follow it, a list's items
 * appear as `path[].field`. A titled node (its own section), a union, or a field in `skip` is not expanded.
 */
function fieldRows(schema: SchemaNode, path: string, skip: readonly string[] = []): Row[] {
  const rows: Row[] = [];
  const required = schema.required ?? [];
  for (const [field, child] of Object.entries(schema.properties ?? {})) {
    if (skip.includes(field)) continue;
    const at = path ? `${path}.${field}` : field;
    rows.push({ path: at, node: child, required: required.includes(field) });
    rows.push(...nestedRows(child, at));
  }
  return rows;
}

function nestedRows(schema: SchemaNode, path: string): Row[] {
  if (schema.title !== undefined || schema.discriminator !== undefined) return [];
  if (schema.type === 'object' && schema.properties) return fieldRows(schema, path);
  if (schema.type === 'array' && schema.items) return nestedRows(schema.items, `${path}[]`);
  return [];
}

/** The variants of a discriminated union: common fields once, then each variant's own fields. */
function unionSections(renderer: Renderer, union: SchemaNode, path: string, heading: string): string[] {
  const field = union.discriminator as string;
  const variants = union.anyOf ?? [];
  // Common: declared alike (same schema, same required-ness) by every variant.
  const alike = (name: string) => (variant: SchemaNode) =>
    JSON.stringify([variant.properties?.[name], variant.required?.includes(name)]);
  const common = Object.keys(variants[0]?.properties ?? {}).filter(
    (name) => name === field || new Set(variants.map(alike(name))).size === 1,
  );
  const picker: SchemaNode = {
    enum: variants.map((variant) => variant.properties?.[field]?.const),
    description: 'Picks the entry’s other fields (below).',
  };
  const commonSchema: SchemaNode = {
    properties: Object.fromEntries(
      common.map((name) => [name, name === field ? picker : (variants[0]?.properties?.[name] as SchemaNode)]),
    ),
    required: variants[0]?.required ?? [],
  };
  const out = [
    `${heading} \`${path}\``,
    `${union.description ?? ''} Every entry has these fields; \`${field}\` picks the rest.`.trim(),
    renderer.table(fieldRows(commonSchema, path)),
  ];
  for (const variant of variants) {
    const name = variant.properties?.[field]?.const as string;
    const description = [variant.properties?.[field]?.description, variant.description].filter(Boolean);
    out.push(`${heading}# \`${field}: ${name}\``, description.join(' '));
    const own = fieldRows(variant, path, common);
    out.push(own.length > 0 ? renderer.table(own) : 'No other fields.');
  }
  return out;
}

const INTRO = `\`streambridge.config.ts\` exports one \`PipelineConfig\` (types in \`config/types.ts\`, derived from
the schema in \`config/schema.ts\`). \`cdk synth\` validates it and names every bad field at once
(\`sinks.redis.mappings[2].key: ...\`); each handler gets its slice as JSON in \`STREAMBRIDGE_CONFIG\` and
validates it again at cold start. Paths below write a list's entries as \`[]\`. Key templates read the
event's fields (\`session:{sessionId}\`, \`{ts:yyyyMMdd}\`); filter patterns use the AWS event-filter
syntax (Lambda \`FilterCriteria\`).`;

const LANGUAGES = `## Key templates

Literal text with \`{field}\` placeholders read from the event (\`config/keyTemplate.ts\`), shared by every sink.

- \`{a.b}\` reads a nested (own) field; \`{$topic}\`, \`{$partition}\`, \`{$offset}\`, \`{$timestamp}\` read the
  Kafka record's coordinates (and \`{$op}\` a change's operation); other \`$\` names are refused at synth.
- A scalar renders as its text; the change envelope's tagged big number \`{"$N": "123…"}\` as its digits.
- \`{field:format}\` formats a time field (epoch ms, epoch s or an ISO string) in UTC with the tokens
  \`yyyy MM dd HH mm ss\`; other characters are copied: \`{ts:yyyyMMddHH}\` → \`2026112608\`.
- \`{{\` and \`}}\` stand for literal braces (Redis Cluster hash tags): \`{{tenant}}:{id}\`.
- A template is compiled once (at cold start) and rendered per event; a missing or non-scalar field makes
  the record a poison record (dead-lettered with the reason), never a wrong key.

## Filter patterns

The AWS event-filter pattern language (Lambda \`FilterCriteria\`, EventBridge; \`config/filterPattern.ts\`),
used by sink mapping filters and by the local event source pollers. A pattern is an object whose leaves are
arrays of matchers, OR-ed; sibling fields are AND-ed; \`$or\` takes a list of patterns. Matchers: a literal
(string, number, boolean, null), \`{prefix}\`, \`{suffix}\`, \`{"equals-ignore-case"}\`, \`{wildcard}\`,
\`{"anything-but": value | [values] | {prefix} | {suffix} | {"equals-ignore-case"} | {wildcard}}\`,
\`{numeric: [op, n, op, n]}\`, \`{exists: boolean}\`. A field holding an array matches when any element
does; \`exists\` looks at leaf values only. AWS's syntax pages:
<https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax>,
<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html>.`;

/** The whole page, as Markdown. */
export function renderConfigReference(defaults: DocumentedDefaults = {}): string {
  const r = new Renderer(defaults);
  const pipeline = node(S.PipelineConfigSchema);
  const sinks = node(S.PipelineConfigSchema.properties.sinks);
  const redis = node(S.RedisSinkSchema);
  const dynamo = node(S.DynamoSinkSchema);
  const section = (title: string, schema: SchemaNode, path: string, skip: readonly string[] = []) => [
    `## ${title}`,
    schema.description ?? '',
    r.table(fieldRows(schema, path, skip)),
  ];
  const parts = [
    '# Configuration reference',
    `<!-- Generated from config/schema.ts by \`${CONFIG_REFERENCE_COMMAND}\`: edit the schema, not this page. -->`,
    INTRO,
    '## Pipeline',
    pipeline.description ?? '',
    r.table([
      ...fieldRows(pipeline, '').filter((row) => !row.path.includes('.') && !row.path.includes('[')),
      ...fieldRows(sinks, 'sinks').filter((row) => row.path.split('.').length === 2),
    ]),
    ...section('network', node(S.NetworkSchema), 'network'),
    ...section('kafka', node(S.KafkaClusterSchema), 'kafka'),
    ...unionSections(r, node(S.ExistingKafkaSchema), 'kafka.existing', '###'),
    ...section('cache', node(S.CacheClusterSchema), 'cache'),
    ...section('alarms', node(S.AlarmsSchema), 'alarms'),
    ...section('sources', node(S.SourceTableSchema), 'sources[]'),
    ...section('topics', node(S.TopicSchema), 'topics[]'),
    ...section('sinks.redis', redis, 'sinks.redis'),
    ...unionSections(r, node(S.RedisMappingSchema), 'sinks.redis.mappings[]', '###'),
    ...section('sinks.dynamodb', dynamo, 'sinks.dynamodb'),
    ...unionSections(r, node(S.DynamoMappingSchema), 'sinks.dynamodb.mappings[]', '###'),
    ...section('Event source settings', node(S.EventSourceSettingsSchema), 'eventSource'),
    LANGUAGES,
  ];
  const unused = r.unused();
  if (unused.length > 0) {
    throw new ConfigError(
      unused.map((path) => `${path}: a default was passed for a field the page does not show`),
      'config reference',
    );
  }
  return `${parts.filter((part) => part !== '').join('\n\n')}\n`;
}
