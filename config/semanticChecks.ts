/**
 * The config rules a schema cannot say: names that must be unique, references that must be declared
 * (topics, sink tables, key attribute names), fields one setting needs from another, and the two small
 * languages (key templates, filter patterns) that must compile. They run after the schema check on the raw
 * value and look only at fields of the right type, so every problem is still reported once.
 */
import { ALARM_ENDPOINT_PATTERNS } from './constants';
import { isObject } from './describeValue';
import { validatePattern } from './filterPattern';
import { compileTemplate } from './keyTemplate';
import type { FormatCheck } from './validateAgainstSchema';

type Obj = Readonly<Record<string, unknown>>;

/** What the schema's `format` names mean (see `schema.ts`). */
export const FORMAT_CHECKS: Readonly<Record<string, FormatCheck>> = {
  'key-template': (value, path) => {
    try {
      compileTemplate(value as string);
      return [];
    } catch (error) {
      return [`${path}: ${(error as Error).message}`];
    }
  },
  'filter-pattern': (value, path) => validatePattern(value, path),
};

function objects(value: unknown): [Obj, number][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i): [Obj, number][] => (isObject(entry) ? [[entry, i]] : []));
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

class Issues {
  readonly list: string[] = [];

  fail(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  /** Reports each name already seen in the list (`<path>[i].name: duplicate <what> "x"`). */
  unique(entries: readonly [Obj, number][], path: string, what: string): Set<string> {
    const names = new Set<string>();
    for (const [entry, i] of entries) {
      const name = entry.name;
      if (!nonEmptyString(name)) continue;
      if (names.has(name)) this.fail(`${path}[${i}].name`, `duplicate ${what} "${name}"`);
      names.add(name);
    }
    return names;
  }

  topicRef(topics: ReadonlySet<string> | undefined, topic: unknown, path: string): void {
    if (topics && typeof topic === 'string' && !topics.has(topic)) {
      const declared = [...topics].join(', ') || 'none';
      this.fail(path, `topic "${topic}" is not declared in topics (declared: ${declared})`);
    }
  }
}

/** Checks `topics` and `sources`; returns the declared topic names (for the sinks' references). */
function checkTopicsAndSources(issues: Issues, root: Obj): Set<string> {
  const topics = issues.unique(objects(root.topics), 'topics', 'topic');
  const sources = objects(root.sources);
  issues.unique(sources, 'sources', 'table');
  for (const [source, i] of sources) {
    const at = `sources[${i}]`;
    issues.topicRef(topics, source.topic, `${at}.topic`);
    const routes = isObject(source.routeBy) ? source.routeBy.topics : undefined;
    if (isObject(routes)) {
      for (const [value, topic] of Object.entries(routes)) {
        issues.topicRef(topics, topic, `${at}.routeBy.topics.${value}`);
      }
    }
  }
  return topics;
}

function checkMappings(issues: Issues, mappings: unknown, path: string, topics?: ReadonlySet<string>) {
  const entries = objects(mappings);
  issues.unique(entries, path, 'mapping');
  for (const [mapping, i] of entries) issues.topicRef(topics, mapping.topic, `${path}[${i}].topic`);
  return entries;
}

function checkRedisSink(issues: Issues, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  if (!isObject(value)) return;
  for (const [m, i] of checkMappings(issues, value.mappings, `${path}.mappings`, topics)) {
    if (m.operation === 'session' && m.ttlSeconds === undefined && m.expiresAtField === undefined) {
      issues.fail(`${path}.mappings[${i}]`, 'a session needs ttlSeconds or expiresAtField');
    }
  }
}

function checkDynamoSink(issues: Issues, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  if (!isObject(value)) return;
  const tableEntries = objects(value.tables);
  issues.unique(tableEntries, `${path}.tables`, 'table');
  const tables = new Map<string, Obj>();
  for (const [table] of tableEntries) if (nonEmptyString(table.name)) tables.set(table.name, table);
  for (const [m, i] of checkMappings(issues, value.mappings, `${path}.mappings`, topics)) {
    const at = `${path}.mappings[${i}]`;
    const tableName = nonEmptyString(m.table) ? m.table : undefined;
    const table = tableName ? tables.get(tableName) : undefined;
    if (tableName && !table)
      issues.fail(`${at}.table`, `table "${tableName}" is not declared in ${path}.tables`);
    const keyMatches = (field: 'partitionKey' | 'sortKey') => {
      const key = m[field];
      const declared = table?.[field];
      if (isObject(key) && isObject(declared) && key.name !== declared.name) {
        issues.fail(
          `${at}.${field}.name`,
          `"${String(key.name)}" is not the table's ${field} "${String(declared.name)}"`,
        );
      }
    };
    switch (m.mode) {
      case 'timeseries':
        if (table && !table.sortKey) issues.fail(`${at}.table`, 'a timeseries table needs a sort key');
        keyMatches('partitionKey');
        keyMatches('sortKey');
        if (m.sortKey === undefined && table && (table.sortKey as Obj | undefined)?.type !== 'S') {
          issues.fail(
            `${at}.sortKey`,
            'the default sort key is a string: declare the table sort key type S or give a template',
          );
        }
        if (m.retentionDays !== undefined && table && !table.ttlAttribute) {
          issues.fail(`${at}.retentionDays`, `table "${tableName}" has no ttlAttribute to hold the expiry`);
        }
        break;
      case 'aggregate':
        keyMatches('partitionKey');
        keyMatches('sortKey');
        if (table?.sortKey && m.sortKey === undefined) {
          issues.fail(`${at}.sortKey`, `table "${tableName}" has a sort key: give its template`);
        }
        if (table && !table.sortKey && m.sortKey !== undefined) {
          issues.fail(`${at}.sortKey`, `table "${tableName}" has no sort key`);
        }
        for (const [metric, j] of objects(m.metrics)) {
          if (['sum', 'min', 'max'].includes(metric.op as string) && metric.field === undefined) {
            issues.fail(`${at}.metrics[${j}].field`, 'must be a non-empty string (got nothing)');
          }
        }
        break;
      case 'state':
        keyMatches('partitionKey');
        if (table?.sortKey)
          issues.fail(`${at}.table`, 'a state table is keyed by the entity alone: no sort key');
        break;
      case 'upsert':
        if (m.tombstoneRetentionDays !== undefined && table && !table.ttlAttribute) {
          issues.fail(
            `${at}.tombstoneRetentionDays`,
            `table "${tableName}" has no ttlAttribute to expire markers`,
          );
        }
        break;
    }
  }
}

/** The region an AZ name (`eu-west-1a` → `eu-west-1`) or AZ id (`euw1-az1` → `euw1`) belongs to. */
function zoneRegion(zone: string): { readonly kind: 'name' | 'id'; readonly region: string } {
  const id = /^([a-z]{2,5}\d)-az\d+$/.exec(zone);
  return id ? { kind: 'id', region: id[1] as string } : { kind: 'name', region: zone.slice(0, -1) };
}

/** AZs that repeat, mix names with ids, or span regions. */
function checkNetwork(issues: Issues, value: unknown): void {
  if (!isObject(value) || !Array.isArray(value.availabilityZones)) return;
  const zones = value.availabilityZones.filter(nonEmptyString);
  if (zones.length !== value.availabilityZones.length) return;
  const path = 'network.availabilityZones';
  const parsed = zones.map(zoneRegion);
  if (new Set(parsed.map((zone) => zone.kind)).size > 1) {
    issues.fail(path, 'give AZ names (eu-west-1a) or AZ ids (euw1-az1), not both');
  } else if (new Set(parsed.map((zone) => zone.region)).size > 1) {
    issues.fail(path, `AZs of one region only (got ${zones.join(', ')})`);
  }
  zones.forEach((zone, i) => {
    if (zones.indexOf(zone) !== i) issues.fail(`${path}[${i}]`, `duplicate AZ "${zone}"`);
  });
}

/** Subscriptions whose endpoint does not suit the protocol, and repeated ones. */
function checkAlarms(issues: Issues, value: unknown): void {
  if (!isObject(value)) return;
  const seen = new Set<string>();
  for (const [subscription, i] of objects(value.subscriptions)) {
    const { protocol, endpoint } = subscription;
    const at = `alarms.subscriptions[${i}].endpoint`;
    if (
      typeof protocol !== 'string' ||
      !nonEmptyString(endpoint) ||
      !Object.hasOwn(ALARM_ENDPOINT_PATTERNS, protocol)
    )
      continue;
    const expected = ALARM_ENDPOINT_PATTERNS[protocol as keyof typeof ALARM_ENDPOINT_PATTERNS];
    if (!expected.pattern.test(endpoint)) {
      issues.fail(at, `must be ${expected.hint} for protocol ${protocol} (got ${JSON.stringify(endpoint)})`);
    }
    const key = `${protocol} ${endpoint}`;
    if (seen.has(key)) issues.fail(at, `duplicate ${protocol} subscription ${JSON.stringify(endpoint)}`);
    seen.add(key);
  }
}

/** Semantic problems of a whole pipeline config. */
export function pipelineChecks(value: unknown): string[] {
  const issues = new Issues();
  if (!isObject(value)) return issues.list;
  const kafka = value.kafka;
  if (isObject(kafka) && kafka.type === 'serverless' && kafka.auth === 'scram') {
    issues.fail('kafka.auth', 'MSK Serverless supports IAM auth only');
  }
  const topics = checkTopicsAndSources(issues, value);
  checkNetwork(issues, value.network);
  checkAlarms(issues, value.alarms);
  const sinks = value.sinks;
  if (isObject(sinks)) {
    if (sinks.redis !== undefined) {
      checkRedisSink(issues, sinks.redis, 'sinks.redis', topics);
      if (value.cache === undefined) issues.fail('sinks.redis', 'a Redis sink needs a cache (config.cache)');
    }
    checkDynamoSink(issues, sinks.dynamodb, 'sinks.dynamodb', topics);
  }
  return issues.list;
}

/** Semantic problems of a change bridge's slice. */
export function changeBridgeChecks(value: unknown): string[] {
  const issues = new Issues();
  if (isObject(value)) checkTopicsAndSources(issues, value);
  return issues.list;
}

/** Semantic problems of the Redis sink's slice (`path` names its root). */
export function redisSinkChecks(value: unknown, path: string): string[] {
  const issues = new Issues();
  checkRedisSink(issues, value, path);
  return issues.list;
}

/** Semantic problems of the DynamoDB sink's slice (`path` names its root). */
export function dynamoSinkChecks(value: unknown, path: string): string[] {
  const issues = new Issues();
  checkDynamoSink(issues, value, path);
  return issues.list;
}
