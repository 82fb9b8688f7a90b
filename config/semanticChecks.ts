/**
 * The config rules a schema cannot say: names that must be unique, references that must be declared
 * (topics, sink tables, key attribute names), fields one setting needs from another, and the two small
 * languages (key templates, filter patterns) that must compile, and what a resource declared `existing`
 * needs or must not set (we neither create nor change it). They run after the schema check on the raw
 * value and look only at fields of the right type, so every problem is still reported once.
 */
import { ALARM_ENDPOINT_PATTERNS, CONFIG_DEFAULTS } from './constants';
import { isObject } from './describeValue';
import { validatePattern } from './filterPattern';
import { compileTemplate } from './keyTemplate';
import { stateHistoryChecks } from './stateHistoryChecks';
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
    checkExistingSource(issues, source, at);
    const routes = isObject(source.routeBy) ? source.routeBy.topics : undefined;
    if (isObject(routes)) {
      for (const [value, topic] of Object.entries(routes)) {
        issues.topicRef(topics, topic, `${at}.routeBy.topics.${value}`);
      }
    }
  }
  return topics;
}

/** Fields of a source table, topic, cluster or cache that only the resource's owner can set. */
const OWNER_FIELDS = {
  source: ['kinesis'],
  topic: ['replicationFactor', 'retentionMs', 'cleanupPolicy'],
  kafka: ['type', 'kafkaVersion', 'brokerCount', 'instanceType', 'volumeSizeGiB', 'maxVolumeSizeGiB', 'auth'],
  cache: ['type', 'engine', 'engineVersion', 'nodeType', 'replicas', 'clusterMode', 'shards', 'auth'],
  network: ['availabilityZones'],
} as const;

/** Reports each owner-only field set beside `existing`. */
function ownerFields(issues: Issues, value: Obj, fields: readonly string[], path: string, why: string): void {
  for (const field of fields) {
    if (value[field] !== undefined) issues.fail(`${path}.${field}`, why);
  }
}

/** The path of a source, its required stream ARN and the table a DynamoDB stream ARN belongs to. */
function checkExistingSource(issues: Issues, source: Obj, at: string): void {
  const existing = source.existing;
  if (!isObject(existing)) return;
  ownerFields(
    issues,
    source,
    OWNER_FIELDS.source,
    at,
    'the stream of an existing table is not ours to size: set it on the stream and remove this field',
  );
  const via = source.via ?? CONFIG_DEFAULTS.via;
  const [needed, other] =
    via === 'kinesis'
      ? (['kinesisStreamArn', 'streamArn'] as const)
      : (['streamArn', 'kinesisStreamArn'] as const);
  if (existing[needed] === undefined) {
    issues.fail(`${at}.existing.${needed}`, `required for an existing table with via "${String(via)}"`);
  }
  if (existing[other] !== undefined) {
    issues.fail(`${at}.existing.${other}`, `is not used with via "${String(via)}"`);
  }
  const streamArn = existing.streamArn;
  if (nonEmptyString(streamArn) && nonEmptyString(source.name)) {
    const table = /:table\/([^/]+)\/stream\//.exec(streamArn)?.[1];
    if (table !== undefined && table !== source.name) {
      issues.fail(`${at}.existing.streamArn`, `is the stream of table "${table}", not of "${source.name}"`);
    }
  }
}

function checkExistingTopics(issues: Issues, root: Obj): void {
  for (const [topic, i] of objects(root.topics)) {
    if (topic.existing !== true) continue;
    ownerFields(
      issues,
      topic,
      OWNER_FIELDS.topic,
      `topics[${i}]`,
      'an existing topic is neither created nor altered: remove this setting (or drop existing)',
    );
  }
}

function checkExistingKafka(issues: Issues, kafka: unknown): void {
  if (!isObject(kafka) || !isObject(kafka.existing)) return;
  ownerFields(
    issues,
    kafka,
    OWNER_FIELDS.kafka,
    'kafka',
    'an existing cluster is not created: remove this setting (its auth is kafka.existing.auth)',
  );
  const existing = kafka.existing;
  if (existing.type !== 'msk') return;
  if (existing.auth === 'scram' && existing.scramSecretArn === undefined) {
    issues.fail(
      'kafka.existing.scramSecretArn',
      'required with auth "scram" (the AmazonMSK_ secret of the cluster)',
    );
  }
  if (existing.auth === 'iam' && existing.scramSecretArn !== undefined) {
    issues.fail('kafka.existing.scramSecretArn', 'is used only with auth "scram"');
  }
}

function checkExistingCache(issues: Issues, cache: unknown): void {
  if (!isObject(cache) || !isObject(cache.existing)) return;
  ownerFields(
    issues,
    cache,
    OWNER_FIELDS.cache,
    'cache',
    'an existing cache is not created: remove this setting (its cluster mode is cache.existing.clusterMode)',
  );
}

function checkExistingNetwork(issues: Issues, network: unknown): void {
  if (!isObject(network) || !isObject(network.existing)) return;
  ownerFields(
    issues,
    network,
    OWNER_FIELDS.network,
    'network',
    'an existing VPC names its AZs in network.existing.availabilityZones',
  );
  const { availabilityZones, subnetIds } = network.existing;
  if (!Array.isArray(availabilityZones) || !Array.isArray(subnetIds)) return;
  if (subnetIds.length > 0 && subnetIds.length !== availabilityZones.length) {
    issues.fail(
      'network.existing.subnetIds',
      `one subnet per AZ of network.existing.availabilityZones, in the same order (got ${subnetIds.length} subnets for ${availabilityZones.length} AZs)`,
    );
  }
  subnetIds.forEach((subnet, i) => {
    if (subnetIds.indexOf(subnet) !== i)
      issues.fail(`network.existing.subnetIds[${i}]`, `duplicate subnet "${String(subnet)}"`);
  });
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
    if (m.operation === 'threshold') checkThresholdMapping(issues, m, `${path}.mappings[${i}]`, topics);
  }
}

/** A threshold needs a bound, recovery bounds on the recovering side of it, and a declared alert topic. */
function checkThresholdMapping(issues: Issues, m: Obj, at: string, topics?: ReadonlySet<string>): void {
  issues.topicRef(topics, m.alertTopic, `${at}.alertTopic`);
  const above = typeof m.above === 'number' ? m.above : undefined;
  const below = typeof m.below === 'number' ? m.below : undefined;
  if (above === undefined && below === undefined) issues.fail(at, 'a threshold needs above or below');
  if (m.recoverBelow !== undefined && above === undefined) issues.fail(`${at}.recoverBelow`, 'needs above');
  if (m.recoverAbove !== undefined && below === undefined) issues.fail(`${at}.recoverAbove`, 'needs below');
  if (typeof m.recoverBelow === 'number' && above !== undefined && m.recoverBelow > above) {
    issues.fail(`${at}.recoverBelow`, `must be at most above (${above})`);
  }
  if (typeof m.recoverAbove === 'number' && below !== undefined && m.recoverAbove < below) {
    issues.fail(`${at}.recoverAbove`, `must be at least below (${below})`);
  }
  const upper = typeof m.recoverBelow === 'number' ? m.recoverBelow : above;
  const lower = typeof m.recoverAbove === 'number' ? m.recoverAbove : below;
  if (upper !== undefined && lower !== undefined && lower > upper) {
    issues.fail(at, `the recovery band is empty: ${lower} (recoverAbove or below) is above ${upper}`);
  }
  if (m.schedule !== undefined && m.silenceSeconds === undefined) {
    issues.fail(`${at}.schedule`, 'the sweep finds silent keys: needs silenceSeconds');
  }
  if (
    isObject(m.alertSns) &&
    m.alertSns.topicName !== undefined &&
    m.alertSns.existingTopicArn !== undefined
  ) {
    issues.fail(`${at}.alertSns`, 'topicName names a topic to create: not with existingTopicArn');
  }
}

function checkDynamoSink(issues: Issues, value: unknown, path: string, topics?: ReadonlySet<string>): void {
  if (!isObject(value)) return;
  const tableEntries = objects(value.tables);
  issues.unique(tableEntries, `${path}.tables`, 'table');
  const tables = new Map<string, Obj>();
  for (const [table, i] of tableEntries) {
    if (nonEmptyString(table.name)) tables.set(table.name, table);
    issues.unique(objects(table.globalIndexes), `${path}.tables[${i}].globalIndexes`, 'index');
  }
  const mappingEntries = checkMappings(issues, value.mappings, `${path}.mappings`, topics);
  for (const [m, i] of mappingEntries) {
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
        issues.list.push(
          ...stateHistoryChecks({
            mapping: m,
            at,
            tables,
            sinkPath: path,
            mappings: mappingEntries.map(([entry]) => entry),
          }),
        );
        break;
      case 'sessions':
        checkSessionsMapping(issues, m, table, at);
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

/** A `sessions` mapping's table: string keys, the named index (string keys), distinct funnel steps. */
function checkSessionsMapping(issues: Issues, m: Obj, table: Obj | undefined, at: string): void {
  const steps = isObject(m.funnel) && Array.isArray(m.funnel.steps) ? m.funnel.steps : [];
  steps.forEach((step, i) => {
    if (steps.indexOf(step) !== i)
      issues.fail(`${at}.funnel.steps[${i}]`, `duplicate step ${JSON.stringify(step)}`);
  });
  if (!table) return;
  for (const field of ['partitionKey', 'sortKey'] as const) {
    const key = table[field];
    if (!isObject(key)) issues.fail(`${at}.table`, `a sessions table needs a ${field} (type S)`);
    else if (key.type !== 'S') issues.fail(`${at}.table`, `a sessions table's ${field} must be of type S`);
  }
  if (m.retentionDays !== undefined && !table.ttlAttribute) {
    issues.fail(
      `${at}.retentionDays`,
      `table "${String(table.name)}" has no ttlAttribute to hold the expiry`,
    );
  }
  if (!nonEmptyString(m.index)) return;
  const index = objects(table.globalIndexes).find(([entry]) => entry.name === m.index)?.[0];
  if (!index) {
    issues.fail(`${at}.index`, `table "${String(table.name)}" declares no global index "${m.index}"`);
    return;
  }
  for (const field of ['partitionKey', 'sortKey'] as const) {
    const key = index[field];
    if (!isObject(key) || key.type !== 'S') {
      issues.fail(`${at}.index`, `index "${m.index}" needs a ${field} of type S`);
    }
  }
}

/** The region an AZ name (`eu-west-1a` → `eu-west-1`) or AZ id (`euw1-az1` → `euw1`) belongs to. */
function zoneRegion(zone: string): { readonly kind: 'name' | 'id'; readonly region: string } {
  const id = /^([a-z]{2,5}\d)-az\d+$/.exec(zone);
  return id ? { kind: 'id', region: id[1] as string } : { kind: 'name', region: zone.slice(0, -1) };
}

/** AZs that repeat, mix names with ids, or span regions. */
function checkZones(issues: Issues, value: unknown, path: string): void {
  if (!Array.isArray(value)) return;
  const zones = value.filter(nonEmptyString);
  if (zones.length !== value.length) return;
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
  checkExistingTopics(issues, value);
  checkExistingKafka(issues, kafka);
  checkExistingCache(issues, value.cache);
  const network = value.network;
  if (isObject(network)) {
    checkZones(issues, network.availabilityZones, 'network.availabilityZones');
    if (isObject(network.existing)) {
      checkZones(issues, network.existing.availabilityZones, 'network.existing.availabilityZones');
    }
    checkExistingNetwork(issues, network);
  }
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
