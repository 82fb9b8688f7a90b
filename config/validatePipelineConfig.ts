/**
 * Validation of the pipeline config and of each handler's slice. Every problem is reported with the path
 * of the field that is wrong (`sinks.redis.mappings[2].key: ...`), all at once, so a bad config fails
 * `cdk synth` (and a handler's cold start) with a message a person can act on.
 */

import { CLEANUP_POLICIES, DYNAMO_MODES, EVENT_SOURCE_LIMITS, REDIS_OPERATIONS } from './constants';
import { ConfigError } from './errors';
import { validatePattern } from './filterPattern';
import { compileTemplate } from './keyTemplate';
import type {
  DynamoSinkConfig,
  PipelineConfig,
  RedisSinkConfig,
  SourceTableConfig,
  TopicConfig,
} from './types';

type Obj = Record<string, unknown>;

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Collects problems while walking a config. */
class Checker {
  readonly issues: string[] = [];

  fail(path: string, message: string): void {
    this.issues.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string): Obj | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Obj;
    this.fail(path, `must be an object (got ${describe(value)})`);
    return undefined;
  }

  array(value: unknown, path: string, { min = 0 } = {}): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, `must be a list (got ${describe(value)})`);
      return [];
    }
    if (value.length < min) this.fail(path, `must have at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
    return value;
  }

  string(
    obj: Obj,
    field: string,
    path: string,
    opts: { optional?: boolean; pattern?: RegExp; hint?: string } = {},
  ) {
    const value = obj[field];
    if (value === undefined && opts.optional) return undefined;
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(`${path}.${field}`, `must be a non-empty string (got ${describe(value)})`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.fail(`${path}.${field}`, `"${value}" is not valid${opts.hint ? `: ${opts.hint}` : ''}`);
    }
    return value;
  }

  oneOf<T extends string>(
    obj: Obj,
    field: string,
    path: string,
    allowed: readonly T[],
    optional = true,
  ): T | undefined {
    const value = obj[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(`${path}.${field}`, `must be one of ${allowed.join(', ')} (got ${describe(value)})`);
      return undefined;
    }
    return value as T;
  }

  integer(obj: Obj, field: string, path: string, range: { min: number; max: number }, optional = true) {
    const value = obj[field];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      this.fail(
        `${path}.${field}`,
        `must be an integer from ${range.min} to ${range.max} (got ${describe(value)})`,
      );
      return undefined;
    }
    return value;
  }

  boolean(obj: Obj, field: string, path: string): void {
    const value = obj[field];
    if (value !== undefined && typeof value !== 'boolean')
      this.fail(`${path}.${field}`, `must be true or false (got ${describe(value)})`);
  }

  template(obj: Obj, field: string, path: string, optional = false): void {
    const value = obj[field];
    if (value === undefined && optional) return;
    try {
      compileTemplate(value as string);
    } catch (error) {
      this.fail(`${path}.${field}`, (error as Error).message);
    }
  }

  unknownFields(obj: Obj, path: string, known: readonly string[]): void {
    for (const field of Object.keys(obj)) {
      if (!known.includes(field)) this.fail(`${path}.${field}`, `unknown field (known: ${known.join(', ')})`);
    }
  }

  throwIfAny(context?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, context);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

function checkAttribute(c: Checker, value: unknown, path: string): void {
  const attr = c.object(value, path);
  if (!attr) return;
  c.unknownFields(attr, path, ['name', 'type']);
  c.string(attr, 'name', path);
  c.oneOf(attr, 'type', path, ['S', 'N', 'B'], false);
}

function checkEventSource(c: Checker, value: unknown, path: string, kind: 'stream' | 'kafka'): void {
  if (value === undefined) return;
  const es = c.object(value, path);
  if (!es) return;
  const known = [
    'batchSize',
    'maxBatchingWindowSeconds',
    'retryAttempts',
    'maxRecordAgeSeconds',
    'bisectOnError',
    'startingPosition',
    'filters',
  ];
  c.unknownFields(es, path, kind === 'stream' ? [...known, 'parallelizationFactor'] : known);
  c.integer(es, 'batchSize', path, EVENT_SOURCE_LIMITS.batchSize);
  c.integer(es, 'maxBatchingWindowSeconds', path, EVENT_SOURCE_LIMITS.maxBatchingWindowSeconds);
  c.integer(es, 'retryAttempts', path, EVENT_SOURCE_LIMITS.retryAttempts);
  c.integer(es, 'maxRecordAgeSeconds', path, EVENT_SOURCE_LIMITS.maxRecordAgeSeconds);
  if (kind === 'stream')
    c.integer(es, 'parallelizationFactor', path, EVENT_SOURCE_LIMITS.parallelizationFactor);
  c.boolean(es, 'bisectOnError', path);
  c.oneOf(es, 'startingPosition', path, ['TRIM_HORIZON', 'LATEST']);
  if (es.filters !== undefined) {
    const filters = c.array(es.filters, `${path}.filters`);
    if (filters.length > EVENT_SOURCE_LIMITS.filters.max)
      c.fail(`${path}.filters`, `at most ${EVENT_SOURCE_LIMITS.filters.max} filters`);
    filters.forEach((f, i) => {
      c.issues.push(...validatePattern(f, `${path}.filters[${i}]`));
    });
  }
}

function checkTopicRef(
  c: Checker,
  topics: ReadonlySet<string> | undefined,
  topic: unknown,
  path: string,
): void {
  if (topics && typeof topic === 'string' && !topics.has(topic)) {
    c.fail(
      path,
      `topic "${topic}" is not declared in topics (declared: ${[...topics].join(', ') || 'none'})`,
    );
  }
}

function checkSources(c: Checker, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  const names = new Set<string>();
  c.array(value, path).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const s = c.object(entry, at);
    if (!s) return;
    c.unknownFields(s, at, [
      'name',
      'partitionKey',
      'sortKey',
      'ttlAttribute',
      'via',
      'kinesis',
      'topic',
      'routeBy',
      'kafkaKey',
      'governance',
      'eventSource',
    ]);
    const name = c.string(s, 'name', at, { pattern: TABLE_NAME, hint: '3–255 of A-Z a-z 0-9 _ . -' });
    if (name && names.has(name)) c.fail(`${at}.name`, `duplicate table "${name}"`);
    if (name) names.add(name);
    checkAttribute(c, s.partitionKey, `${at}.partitionKey`);
    if (s.sortKey !== undefined) checkAttribute(c, s.sortKey, `${at}.sortKey`);
    c.string(s, 'ttlAttribute', at, { optional: true });
    c.oneOf(s, 'via', at, ['dynamodb-streams', 'kinesis']);
    if (s.kinesis !== undefined) {
      const k = c.object(s.kinesis, `${at}.kinesis`);
      if (k) {
        c.unknownFields(k, `${at}.kinesis`, ['shardCount', 'retentionHours']);
        c.integer(k, 'shardCount', `${at}.kinesis`, { min: 1, max: 500 });
        c.integer(k, 'retentionHours', `${at}.kinesis`, { min: 24, max: 8760 });
      }
    }
    c.string(s, 'topic', at, { pattern: TOPIC_NAME });
    checkTopicRef(c, topics, s.topic, `${at}.topic`);
    if (s.routeBy !== undefined) {
      const r = c.object(s.routeBy, `${at}.routeBy`);
      if (r) {
        c.unknownFields(r, `${at}.routeBy`, ['attribute', 'topics']);
        c.string(r, 'attribute', `${at}.routeBy`);
        const routes = c.object(r.topics, `${at}.routeBy.topics`);
        for (const [v, t] of Object.entries(routes ?? {})) {
          if (typeof t !== 'string') c.fail(`${at}.routeBy.topics.${v}`, 'must be a topic name');
          checkTopicRef(c, topics, t, `${at}.routeBy.topics.${v}`);
        }
      }
    }
    c.oneOf(s, 'kafkaKey', at, ['partitionKey', 'primaryKey']);
    if (s.governance !== undefined) {
      const g = c.object(s.governance, `${at}.governance`);
      if (g) {
        c.unknownFields(g, `${at}.governance`, ['schema', 'mask', 'hash']);
        if (g.schema !== undefined) c.object(g.schema, `${at}.governance.schema`);
        for (const field of ['mask', 'hash'] as const) {
          if (g[field] === undefined) continue;
          c.array(g[field], `${at}.governance.${field}`).forEach((a, j) => {
            if (typeof a !== 'string' || a === '')
              c.fail(`${at}.governance.${field}[${j}]`, 'must be an attribute name');
          });
        }
      }
    }
    checkEventSource(c, s.eventSource, `${at}.eventSource`, 'stream');
  });
}

function checkTopics(c: Checker, value: unknown, path: string): Set<string> {
  const names = new Set<string>();
  c.array(value, path, { min: 1 }).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const t = c.object(entry, at);
    if (!t) return;
    c.unknownFields(t, at, [
      'name',
      'partitions',
      'replicationFactor',
      'retentionMs',
      'cleanupPolicy',
      'maxMessageBytes',
    ]);
    const name = c.string(t, 'name', at, { pattern: TOPIC_NAME, hint: '1–249 of A-Z a-z 0-9 . _ -' });
    if (name && names.has(name)) c.fail(`${at}.name`, `duplicate topic "${name}"`);
    if (name) names.add(name);
    c.integer(t, 'partitions', at, { min: 1, max: 1000 }, false);
    c.integer(t, 'replicationFactor', at, { min: 1, max: 5 });
    c.integer(t, 'retentionMs', at, { min: -1, max: Number.MAX_SAFE_INTEGER });
    c.oneOf(t, 'cleanupPolicy', at, CLEANUP_POLICIES);
    c.integer(t, 'maxMessageBytes', at, { min: 1024, max: 8 * 1024 * 1024 });
  });
  return names;
}

function checkMappingBase(
  c: Checker,
  m: Obj,
  at: string,
  names: Set<string>,
  topics?: ReadonlySet<string>,
): void {
  const name = c.string(m, 'name', at, { pattern: /^[A-Za-z0-9_-]{1,64}$/, hint: '1–64 of A-Z a-z 0-9 _ -' });
  if (name && names.has(name)) c.fail(`${at}.name`, `duplicate mapping "${name}"`);
  if (name) names.add(name);
  c.string(m, 'topic', at, { pattern: TOPIC_NAME });
  checkTopicRef(c, topics, m.topic, `${at}.topic`);
  if (m.filter !== undefined) c.issues.push(...validatePattern(m.filter, `${at}.filter`));
}

const TTL = { min: 1, max: 10 * 365 * 86_400 };
/** A tombstone marker outlives at least the shortest event source retry window (1 hour). */
const TOMBSTONE_TTL = { min: 3_600, max: TTL.max };

function checkRedisSink(c: Checker, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  const sink = c.object(value, path);
  if (!sink) return;
  c.unknownFields(sink, path, ['consumerGroup', 'mappings', 'eventSource', 'tombstoneTtlSeconds']);
  c.string(sink, 'consumerGroup', path, { pattern: /^[A-Za-z0-9._-]{1,200}$/ });
  c.integer(sink, 'tombstoneTtlSeconds', path, TOMBSTONE_TTL);
  checkEventSource(c, sink.eventSource, `${path}.eventSource`, 'kafka');
  const names = new Set<string>();
  c.array(sink.mappings, `${path}.mappings`, { min: 1 }).forEach((entry, i) => {
    const at = `${path}.mappings[${i}]`;
    const m = c.object(entry, at);
    if (!m) return;
    checkMappingBase(c, m, at, names, topics);
    const op = c.oneOf(m, 'operation', at, REDIS_OPERATIONS, false);
    c.template(m, 'key', at);
    const base = ['name', 'topic', 'filter', 'operation', 'key'];
    switch (op) {
      case 'session':
        c.unknownFields(m, at, [...base, 'ttlSeconds', 'expiresAtField', 'deleteWhen', 'store']);
        c.integer(m, 'ttlSeconds', at, TTL);
        c.string(m, 'expiresAtField', at, { optional: true });
        if (m.ttlSeconds === undefined && m.expiresAtField === undefined)
          c.fail(at, 'a session needs ttlSeconds or expiresAtField');
        if (m.deleteWhen !== undefined) c.issues.push(...validatePattern(m.deleteWhen, `${at}.deleteWhen`));
        c.oneOf(m, 'store', at, ['hash', 'string']);
        break;
      case 'counter':
        c.unknownFields(m, at, [...base, 'hashField', 'incrementField', 'ttlSeconds']);
        c.template(m, 'hashField', at, true);
        c.string(m, 'incrementField', at, { optional: true });
        c.integer(m, 'ttlSeconds', at, TTL);
        break;
      case 'leaderboard':
        c.unknownFields(m, at, [...base, 'member', 'scoreField', 'mode', 'ttlSeconds']);
        c.template(m, 'member', at);
        c.string(m, 'scoreField', at);
        c.oneOf(m, 'mode', at, ['increment', 'set'], false);
        c.integer(m, 'ttlSeconds', at, TTL);
        break;
      case 'unique':
        c.unknownFields(m, at, [...base, 'element', 'ttlSeconds']);
        c.template(m, 'element', at);
        c.integer(m, 'ttlSeconds', at, TTL);
        break;
      case 'cache':
        c.unknownFields(m, at, [...base, 'versionField', 'store', 'ttlSeconds']);
        c.string(m, 'versionField', at, { optional: true });
        c.oneOf(m, 'store', at, ['string', 'hash']);
        c.integer(m, 'ttlSeconds', at, TTL);
        break;
      case 'stream':
        c.unknownFields(m, at, [...base, 'maxLength']);
        c.integer(m, 'maxLength', at, { min: 1, max: 100_000_000 }, false);
        break;
      case 'list':
        c.unknownFields(m, at, [...base, 'maxLength', 'ttlSeconds']);
        c.integer(m, 'maxLength', at, { min: 1, max: 100_000_000 }, false);
        c.integer(m, 'ttlSeconds', at, TTL);
        break;
      default:
        break;
    }
  });
}

function checkKeyTemplate(c: Checker, value: unknown, path: string): void {
  const k = c.object(value, path);
  if (!k) return;
  c.unknownFields(k, path, ['name', 'template']);
  c.string(k, 'name', path);
  c.template(k, 'template', path);
}

function checkDynamoSink(c: Checker, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  const sink = c.object(value, path);
  if (!sink) return;
  c.unknownFields(sink, path, ['consumerGroup', 'tables', 'mappings', 'eventSource']);
  c.string(sink, 'consumerGroup', path, { pattern: /^[A-Za-z0-9._-]{1,200}$/ });
  checkEventSource(c, sink.eventSource, `${path}.eventSource`, 'kafka');
  const tables = new Map<string, Obj>();
  c.array(sink.tables, `${path}.tables`, { min: 1 }).forEach((entry, i) => {
    const at = `${path}.tables[${i}]`;
    const t = c.object(entry, at);
    if (!t) return;
    c.unknownFields(t, at, ['name', 'partitionKey', 'sortKey', 'ttlAttribute']);
    const name = c.string(t, 'name', at, { pattern: TABLE_NAME });
    if (name && tables.has(name)) c.fail(`${at}.name`, `duplicate table "${name}"`);
    if (name) tables.set(name, t);
    checkAttribute(c, t.partitionKey, `${at}.partitionKey`);
    if (t.sortKey !== undefined) checkAttribute(c, t.sortKey, `${at}.sortKey`);
    c.string(t, 'ttlAttribute', at, { optional: true });
  });
  const names = new Set<string>();
  c.array(sink.mappings, `${path}.mappings`, { min: 1 }).forEach((entry, i) => {
    const at = `${path}.mappings[${i}]`;
    const m = c.object(entry, at);
    if (!m) return;
    checkMappingBase(c, m, at, names, topics);
    const mode = c.oneOf(m, 'mode', at, DYNAMO_MODES, false);
    const tableName = c.string(m, 'table', at);
    const table = tableName ? tables.get(tableName) : undefined;
    if (tableName && !table) c.fail(`${at}.table`, `table "${tableName}" is not declared in ${path}.tables`);
    const base = ['name', 'topic', 'filter', 'mode', 'table'];
    const keyMatches = (field: 'partitionKey' | 'sortKey') => {
      const key = m[field] as Obj | undefined;
      const declared = table?.[field] as Obj | undefined;
      if (key && declared && key.name !== declared.name) {
        c.fail(
          `${at}.${field}.name`,
          `"${String(key.name)}" is not the table's ${field} "${String(declared.name)}"`,
        );
      }
    };
    switch (mode) {
      case 'timeseries':
        c.unknownFields(m, at, [...base, 'partitionKey', 'sortKey', 'timestampField', 'retentionDays']);
        checkKeyTemplate(c, m.partitionKey, `${at}.partitionKey`);
        if (m.sortKey !== undefined) checkKeyTemplate(c, m.sortKey, `${at}.sortKey`);
        if (table && !table.sortKey) c.fail(`${at}.table`, 'a timeseries table needs a sort key');
        keyMatches('partitionKey');
        keyMatches('sortKey');
        if (m.sortKey === undefined && table && (table.sortKey as Obj | undefined)?.type !== 'S') {
          c.fail(
            `${at}.sortKey`,
            'the default sort key is a string: declare the table sort key type S or give a template',
          );
        }
        c.string(m, 'timestampField', at);
        c.integer(m, 'retentionDays', at, { min: 1, max: 3650 });
        if (m.retentionDays !== undefined && table && !table.ttlAttribute) {
          c.fail(`${at}.retentionDays`, `table "${tableName}" has no ttlAttribute to hold the expiry`);
        }
        break;
      case 'aggregate': {
        c.unknownFields(m, at, [...base, 'partitionKey', 'sortKey', 'metrics']);
        checkKeyTemplate(c, m.partitionKey, `${at}.partitionKey`);
        if (m.sortKey !== undefined) checkKeyTemplate(c, m.sortKey, `${at}.sortKey`);
        keyMatches('partitionKey');
        keyMatches('sortKey');
        if (table?.sortKey && m.sortKey === undefined) {
          c.fail(`${at}.sortKey`, `table "${tableName}" has a sort key: give its template`);
        }
        if (table && !table.sortKey && m.sortKey !== undefined) {
          c.fail(`${at}.sortKey`, `table "${tableName}" has no sort key`);
        }
        c.array(m.metrics, `${at}.metrics`, { min: 1 }).forEach((metric, j) => {
          const mat = `${at}.metrics[${j}]`;
          const x = c.object(metric, mat);
          if (!x) return;
          c.unknownFields(x, mat, ['name', 'op', 'field']);
          c.string(x, 'name', mat);
          const op = c.oneOf(x, 'op', mat, ['count', 'sum', 'min', 'max'], false);
          if (op && op !== 'count') c.string(x, 'field', mat);
        });
        break;
      }
      case 'state':
        c.unknownFields(m, at, [
          ...base,
          'partitionKey',
          'versionField',
          'eventIdField',
          'reducer',
          'consistentRead',
        ]);
        checkKeyTemplate(c, m.partitionKey, `${at}.partitionKey`);
        keyMatches('partitionKey');
        if (table?.sortKey) c.fail(`${at}.table`, 'a state table is keyed by the entity alone: no sort key');
        c.string(m, 'versionField', at);
        c.string(m, 'eventIdField', at, { optional: true });
        c.oneOf(m, 'reducer', at, ['merge', 'replace']);
        c.boolean(m, 'consistentRead', at);
        break;
      case 'upsert':
        c.unknownFields(m, at, [...base, 'tombstoneRetentionDays']);
        c.integer(m, 'tombstoneRetentionDays', at, { min: 1, max: 3650 });
        if (m.tombstoneRetentionDays !== undefined && table && !table.ttlAttribute) {
          c.fail(
            `${at}.tombstoneRetentionDays`,
            `table "${tableName}" has no ttlAttribute to expire markers`,
          );
        }
        break;
      default:
        break;
    }
  });
}

/**
 * Validates a whole pipeline config; throws {@link ConfigError} listing every problem with its path.
 *
 * @example
 * ```ts
 * const config = validatePipelineConfig(rawConfig); // typed, or a ConfigError naming each bad field
 * ```
 */
export function validatePipelineConfig(value: unknown): PipelineConfig {
  const c = new Checker();
  const root = c.object(value, 'config');
  if (root) {
    c.unknownFields(root, 'config', ['name', 'kafka', 'cache', 'sources', 'topics', 'sinks']);
    c.string(root, 'name', 'config', {
      pattern: NAME,
      hint: 'lowercase letters, digits, hyphens; starts with a letter; ≤ 40',
    });
    const kafka = c.object(root.kafka, 'kafka');
    if (kafka) {
      c.unknownFields(kafka, 'kafka', [
        'type',
        'kafkaVersion',
        'brokerCount',
        'instanceType',
        'volumeSizeGiB',
        'auth',
        'compression',
      ]);
      c.oneOf(kafka, 'type', 'kafka', ['provisioned', 'serverless']);
      c.string(kafka, 'kafkaVersion', 'kafka', {
        optional: true,
        pattern: /^\d+\.\d+(\.\d+)?(\.x)?(\.kraft)?$/,
      });
      c.integer(kafka, 'brokerCount', 'kafka', { min: 2, max: 30 });
      c.string(kafka, 'instanceType', 'kafka', {
        optional: true,
        pattern: /^kafka\.[a-z0-9]+\.[a-z0-9]+$/,
        hint: 'e.g. kafka.t3.small',
      });
      c.integer(kafka, 'volumeSizeGiB', 'kafka', { min: 1, max: 16_384 });
      const auth = c.oneOf(kafka, 'auth', 'kafka', ['iam', 'scram']);
      if (kafka.type === 'serverless' && auth === 'scram')
        c.fail('kafka.auth', 'MSK Serverless supports IAM auth only');
      c.oneOf(kafka, 'compression', 'kafka', ['gzip', 'none']);
    }
    if (root.cache !== undefined) {
      const cache = c.object(root.cache, 'cache');
      if (cache) {
        c.unknownFields(cache, 'cache', [
          'type',
          'engine',
          'engineVersion',
          'nodeType',
          'replicas',
          'clusterMode',
          'shards',
          'auth',
        ]);
        c.oneOf(cache, 'type', 'cache', ['replication-group', 'serverless']);
        c.oneOf(cache, 'engine', 'cache', ['valkey', 'redis']);
        c.string(cache, 'engineVersion', 'cache', { optional: true });
        c.string(cache, 'nodeType', 'cache', {
          optional: true,
          pattern: /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
          hint: 'e.g. cache.t4g.micro',
        });
        c.integer(cache, 'replicas', 'cache', { min: 1, max: 5 });
        c.boolean(cache, 'clusterMode', 'cache');
        c.integer(cache, 'shards', 'cache', { min: 1, max: 500 });
        c.oneOf(cache, 'auth', 'cache', ['rbac', 'token']);
      }
    }
    const topics = checkTopics(c, root.topics, 'topics');
    checkSources(c, root.sources, 'sources', topics);
    const sinks = c.object(root.sinks, 'sinks');
    if (sinks) {
      c.unknownFields(sinks, 'sinks', ['redis', 'dynamodb']);
      if (sinks.redis !== undefined) {
        checkRedisSink(c, sinks.redis, 'sinks.redis', topics);
        if (root.cache === undefined) c.fail('sinks.redis', 'a Redis sink needs a cache (config.cache)');
      }
      if (sinks.dynamodb !== undefined) checkDynamoSink(c, sinks.dynamodb, 'sinks.dynamodb', topics);
    }
  }
  c.throwIfAny();
  return value as PipelineConfig;
}

/** The slice a change bridge (ddb-stream-to-kafka, kinesis-to-kafka) receives. */
export interface ChangeBridgeSlice {
  readonly sources: readonly SourceTableConfig[];
  readonly topics: readonly TopicConfig[];
}

/** Validates a change bridge's slice at cold start. */
export function validateChangeBridgeSlice(value: unknown): ChangeBridgeSlice {
  const c = new Checker();
  const root = c.object(value, 'slice');
  if (root) {
    const topics = checkTopics(c, root.topics, 'topics');
    checkSources(c, root.sources, 'sources', topics);
  }
  c.throwIfAny('invalid change bridge config');
  return value as ChangeBridgeSlice;
}

/** Validates the Redis sink's slice at cold start. */
export function validateRedisSinkSlice(value: unknown): RedisSinkConfig {
  const c = new Checker();
  checkRedisSink(c, value, 'redis');
  c.throwIfAny('invalid Redis sink config');
  return value as RedisSinkConfig;
}

/** Validates the DynamoDB sink's slice at cold start. */
export function validateDynamoSinkSlice(value: unknown): DynamoSinkConfig {
  const c = new Checker();
  checkDynamoSink(c, value, 'dynamodb');
  c.throwIfAny('invalid DynamoDB sink config');
  return value as DynamoSinkConfig;
}
