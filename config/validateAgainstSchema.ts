/**
 * Checks a value against the config schema (`schema.ts`) by walking it: an interpreter of the JSON Schema
 * subset the schema uses, so a handler's cold start generates no code. Every problem is reported, each as
 * `path: message` in the project's words (`must be an integer from 1 to 10000 (got 0)`).
 *
 * @example
 * ```ts
 * validateAgainstSchema(RedisSinkSchema, value, { root: 'redis' }); // ['redis.mappings[0].key: ...']
 * ```
 */
import { describeValue, isObject } from './describeValue';

/** The JSON Schema keywords (and the project's annotations, see `schema.ts`) this walker understands. */
export interface SchemaNode {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaNode[];
  readonly format?: string;
  readonly discriminator?: string;
  readonly patternHint?: string;
  readonly errorMessage?: { readonly type?: string; readonly maxItems?: string };
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
}

/** Checks a value in a named language (`format`); returns its problems, each prefixed with `path`. */
export type FormatCheck = (value: unknown, path: string) => readonly string[];

export interface WalkOptions {
  /** The root's name in paths: `config`, `redis`, ... */
  readonly root: string;
  /**
   * Name the root's object and list fields by themselves (`kafka.auth`, `sources[0]`) and only its plain
   * fields under the root's name (`config.name`), as a whole pipeline config does.
   */
  readonly bareSections?: boolean;
  readonly formats?: Readonly<Record<string, FormatCheck>>;
}

const patterns = new Map<string, RegExp>();

function regExp(source: string): RegExp {
  let compiled = patterns.get(source);
  if (!compiled) {
    compiled = new RegExp(source);
    patterns.set(source, compiled);
  }
  return compiled;
}

/** The union member a discriminated value picks, or undefined. */
export function variantOf(
  union: SchemaNode,
  value: Readonly<Record<string, unknown>>,
): SchemaNode | undefined {
  const field = union.discriminator as string;
  return union.anyOf?.find((variant) => variant.properties?.[field]?.const === value[field]);
}

/** Properties every member of a union declares alike (by the same name): checked even when no member fits. */
function commonProperties(union: SchemaNode): Record<string, SchemaNode> {
  const [first, ...rest] = union.anyOf ?? [];
  const common: Record<string, SchemaNode> = {};
  for (const [name, schema] of Object.entries(first?.properties ?? {})) {
    if (name === union.discriminator) continue;
    if (rest.every((variant) => variant.properties?.[name] !== undefined)) common[name] = schema;
  }
  return common;
}

/** Every problem of `value` against `schema`, each as `path: message`. */
export function validateAgainstSchema(schema: SchemaNode, value: unknown, options: WalkOptions): string[] {
  const issues: string[] = [];
  const formats = options.formats ?? {};
  const fail = (path: string, message: string) => {
    issues.push(`${path}: ${message}`);
  };

  function childPath(path: string, field: string, child: SchemaNode | undefined): string {
    const section = child?.type === 'object' || child?.type === 'array' || child?.anyOf !== undefined;
    return options.bareSections && path === options.root && section ? field : `${path}.${field}`;
  }

  function checkProperties(
    object: Readonly<Record<string, unknown>>,
    properties: Readonly<Record<string, SchemaNode>>,
    required: readonly string[],
    path: string,
  ): void {
    for (const [field, child] of Object.entries(properties)) {
      const present = object[field] !== undefined;
      if (present || required.includes(field)) check(child, object[field], childPath(path, field, child));
    }
  }

  function checkObject(node: SchemaNode, value: unknown, path: string): void {
    if (!isObject(value)) {
      fail(path, `must be an object (got ${describeValue(value)})`);
      return;
    }
    let target = node;
    if (node.discriminator !== undefined) {
      const variant = variantOf(node, value);
      if (!variant) {
        const field = node.discriminator;
        const allowed = (node.anyOf ?? []).map((v) => v.properties?.[field]?.const);
        fail(`${path}.${field}`, `must be one of ${allowed.join(', ')} (got ${describeValue(value[field])})`);
        checkProperties(value, commonProperties(node), node.anyOf?.[0]?.required ?? [], path);
        return;
      }
      target = variant;
    }
    const properties = target.properties ?? {};
    checkProperties(value, properties, target.required ?? [], path);
    const extra = target.additionalProperties;
    if (extra === false) {
      const known = Object.keys(properties);
      for (const field of Object.keys(value)) {
        if (!known.includes(field))
          fail(childPath(path, field, undefined), `unknown field (known: ${known.join(', ')})`);
      }
    } else if (typeof extra === 'object') {
      for (const [field, item] of Object.entries(value)) {
        if (!(field in properties)) check(extra, item, `${path}.${field}`);
      }
    }
  }

  function checkArray(node: SchemaNode, value: unknown, path: string): void {
    if (!Array.isArray(value)) {
      fail(path, `must be a list (got ${describeValue(value)})`);
      return;
    }
    const min = node.minItems ?? 0;
    if (value.length < min) fail(path, `must have at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      fail(path, node.errorMessage?.maxItems ?? `must have at most ${node.maxItems} entries`);
    }
    if (node.items) {
      const items = node.items;
      value.forEach((item, i) => {
        check(items, item, `${path}[${i}]`);
      });
    }
  }

  function checkString(node: SchemaNode, value: unknown, path: string): void {
    const minLength = node.minLength ?? 0;
    if (typeof value !== 'string' || value.length < minLength) {
      const expected = minLength > 0 ? 'a non-empty string' : 'a string';
      fail(path, node.errorMessage?.type ?? `must be ${expected} (got ${describeValue(value)})`);
      return;
    }
    if (node.pattern !== undefined && !regExp(node.pattern).test(value)) {
      fail(path, `"${value}" is not valid${node.patternHint ? `: ${node.patternHint}` : ''}`);
    }
  }

  function checkInteger(node: SchemaNode, value: unknown, path: string): void {
    const min = node.minimum ?? Number.MIN_SAFE_INTEGER;
    const max = node.maximum ?? Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(path, `must be an integer from ${min} to ${max} (got ${describeValue(value)})`);
    }
  }

  function check(node: SchemaNode, value: unknown, path: string): void {
    if (node.format !== undefined) {
      const format = formats[node.format];
      if (!format) throw new Error(`schema format "${node.format}" has no check`);
      issues.push(...format(value, path));
      return;
    }
    if (node.enum !== undefined) {
      if (!node.enum.includes(value)) {
        fail(path, `must be one of ${node.enum.join(', ')} (got ${describeValue(value)})`);
      }
      return;
    }
    if (node.const !== undefined) {
      if (value !== node.const) fail(path, `must be ${String(node.const)} (got ${describeValue(value)})`);
      return;
    }
    if (node.discriminator !== undefined) {
      checkObject(node, value, path);
      return;
    }
    switch (node.type) {
      case 'object':
        checkObject(node, value, path);
        break;
      case 'array':
        checkArray(node, value, path);
        break;
      case 'string':
        checkString(node, value, path);
        break;
      case 'integer':
        checkInteger(node, value, path);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') fail(path, `must be true or false (got ${describeValue(value)})`);
        break;
      case undefined:
        if (node.anyOf !== undefined) throw new Error(`${path}: a union in the schema needs a discriminator`);
        break;
    }
  }

  check(schema, value, options.root);
  return issues;
}
