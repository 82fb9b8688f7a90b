/**
 * What each deployable resource should look like on the local servers, read from its resolved
 * CloudFormation properties. Pure functions: the deployers compare these specs with the servers.
 */
import { CFN_TYPES, KINESIS_DEFAULTS } from './constants';
import { TemplateError } from './errors';

export interface KeyElement {
  readonly name: string;
  readonly keyType: 'HASH' | 'RANGE';
}

export interface SecondaryIndexSpec {
  readonly indexName: string;
  readonly keySchema: readonly KeyElement[];
  readonly projection: { readonly type: string; readonly nonKeyAttributes?: readonly string[] };
  readonly provisioned?: { readonly read: number; readonly write: number };
}

export interface TableSpec {
  readonly tableName: string;
  readonly keySchema: readonly KeyElement[];
  readonly attributes: ReadonlyMap<string, string>;
  readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly provisioned?: { readonly read: number; readonly write: number };
  /** Stream view type declared by the template; undefined when the table has no stream. */
  readonly streamViewType?: string;
  readonly ttlAttribute?: string;
  /** ARN of the Kinesis stream receiving the table's changes (streaming destination). */
  readonly kinesisStreamArn?: string;
  readonly globalIndexes: readonly SecondaryIndexSpec[];
  readonly localIndexes: readonly SecondaryIndexSpec[];
}

export interface KinesisStreamSpec {
  readonly streamName: string;
  readonly shardCount: number;
  readonly onDemand: boolean;
  readonly retentionHours: number;
}

export interface TopicSpec {
  readonly topicName: string;
  readonly partitions: number;
  /** Replication factor the template asks for (the local broker always uses 1). */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly clusterArn: string;
}

export interface QueueSpec {
  readonly queueName: string;
  readonly fifo: boolean;
  /** SQS attributes set explicitly by the template, as SQS names them. */
  readonly attributes: Readonly<Record<string, string>>;
}

type Props = Readonly<Record<string, unknown>>;

/** Where a spec function reports problems. */
export interface SpecSite {
  readonly stackName: string;
  readonly logicalId: string;
}

function fail(site: SpecSite, path: string, problem: string): never {
  throw new TemplateError(site.stackName, site.logicalId, path, problem);
}

function isObject(value: unknown): value is Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(site: SpecSite, props: Props, name: string): string | undefined {
  const value = props[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(site, name, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalNumber(site: SpecSite, props: Props, name: string): number | undefined {
  const value = props[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    fail(site, name, `must be a number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function optionalBoolean(site: SpecSite, props: Props, name: string): boolean | undefined {
  const value = props[name];
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(site, name, `must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * A name for a resource the template leaves unnamed. CloudFormation would add a random suffix; locally the
 * name is `<stack>-<logicalId>` so that deploying again finds the same resource.
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number, suffix = ''): string {
  const base = `${stackName}-${logicalId}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `${base.slice(0, maxLength - suffix.length)}${suffix}`;
}

function keySchema(site: SpecSite, value: unknown, path: string): KeyElement[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 2) {
    fail(site, path, 'must list one HASH key and at most one RANGE key');
  }
  return value.map((element, index) => {
    if (!isObject(element) || typeof element.AttributeName !== 'string') {
      fail(site, `${path}[${index}]`, 'needs AttributeName and KeyType');
    }
    if (element.KeyType !== 'HASH' && element.KeyType !== 'RANGE') {
      fail(
        site,
        `${path}[${index}].KeyType`,
        `must be HASH or RANGE, got ${JSON.stringify(element.KeyType)}`,
      );
    }
    return { name: element.AttributeName, keyType: element.KeyType };
  });
}

function throughput(
  site: SpecSite,
  value: unknown,
  path: string,
): { read: number; write: number } | undefined {
  if (!isObject(value)) return undefined;
  const read = optionalNumber(site, value, 'ReadCapacityUnits');
  const write = optionalNumber(site, value, 'WriteCapacityUnits');
  if (read === undefined || write === undefined)
    fail(site, path, 'needs ReadCapacityUnits and WriteCapacityUnits');
  return { read, write };
}

function indexes(site: SpecSite, value: unknown, path: string): SecondaryIndexSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(site, path, 'must be a list of indexes');
  return value.map((index, position) => {
    const at = `${path}[${position}]`;
    if (!isObject(index) || typeof index.IndexName !== 'string') fail(site, at, 'needs an IndexName');
    const projection = isObject(index.Projection) ? index.Projection : {};
    const nonKey = projection.NonKeyAttributes;
    return {
      indexName: index.IndexName,
      keySchema: keySchema(site, index.KeySchema, `${at}.KeySchema`),
      projection: {
        type: typeof projection.ProjectionType === 'string' ? projection.ProjectionType : 'ALL',
        ...(Array.isArray(nonKey) ? { nonKeyAttributes: nonKey.map(String) } : {}),
      },
      ...(index.ProvisionedThroughput
        ? { provisioned: throughput(site, index.ProvisionedThroughput, `${at}.ProvisionedThroughput`) }
        : {}),
    };
  });
}

/** The replica of a global table in the local region (or the first one), which holds per-replica settings. */
function localReplica(props: Props, region: string): Props {
  const replicas = Array.isArray(props.Replicas) ? props.Replicas.filter(isObject) : [];
  return replicas.find((replica) => replica.Region === region) ?? replicas[0] ?? {};
}

/**
 * Reads an `AWS::DynamoDB::Table` or `AWS::DynamoDB::GlobalTable`.
 *
 * @example
 * ```ts
 * tableSpec(site, 'AWS::DynamoDB::Table', resolvedProperties, 'us-east-1').streamViewType; // 'NEW_AND_OLD_IMAGES'
 * ```
 */
export function tableSpec(site: SpecSite, type: string, props: Props, region: string): TableSpec {
  const attributes = new Map<string, string>();
  const definitions = props.AttributeDefinitions;
  if (!Array.isArray(definitions)) fail(site, 'AttributeDefinitions', 'is required');
  for (const [index, definition] of definitions.entries()) {
    if (!isObject(definition) || typeof definition.AttributeName !== 'string') {
      fail(site, `AttributeDefinitions[${index}]`, 'needs AttributeName and AttributeType');
    }
    attributes.set(definition.AttributeName, String(definition.AttributeType));
  }
  const schema = keySchema(site, props.KeySchema, 'KeySchema');
  for (const element of schema) {
    if (!attributes.has(element.name)) {
      fail(site, 'KeySchema', `key attribute "${element.name}" is missing from AttributeDefinitions`);
    }
  }
  const stream = isObject(props.StreamSpecification) ? props.StreamSpecification : undefined;
  const ttl = isObject(props.TimeToLiveSpecification) ? props.TimeToLiveSpecification : undefined;
  const ttlEnabled = ttl ? optionalBoolean(site, ttl, 'Enabled') : false;
  const kinesisSource = type === CFN_TYPES.globalTable ? localReplica(props, region) : props;
  const kinesis = isObject(kinesisSource.KinesisStreamSpecification)
    ? kinesisSource.KinesisStreamSpecification
    : undefined;
  const provisioned = throughput(site, props.ProvisionedThroughput, 'ProvisionedThroughput');
  // Capacity is not enforced locally; provisioned mode is kept only when the template gives the capacity.
  const billingMode =
    provisioned && props.BillingMode !== 'PAY_PER_REQUEST' ? 'PROVISIONED' : 'PAY_PER_REQUEST';
  return {
    tableName: optionalString(site, props, 'TableName') ?? generatedName(site.stackName, site.logicalId, 255),
    keySchema: schema,
    attributes,
    billingMode,
    ...(provisioned ? { provisioned } : {}),
    ...(stream ? { streamViewType: String(stream.StreamViewType ?? 'NEW_AND_OLD_IMAGES') } : {}),
    ...(ttl && ttlEnabled ? { ttlAttribute: optionalString(site, ttl, 'AttributeName') } : {}),
    ...(kinesis?.StreamArn ? { kinesisStreamArn: String(kinesis.StreamArn) } : {}),
    globalIndexes: indexes(site, props.GlobalSecondaryIndexes, 'GlobalSecondaryIndexes'),
    localIndexes: indexes(site, props.LocalSecondaryIndexes, 'LocalSecondaryIndexes'),
  };
}

/** Reads an `AWS::Kinesis::Stream`. */
export function kinesisStreamSpec(site: SpecSite, props: Props): KinesisStreamSpec {
  const mode = isObject(props.StreamModeDetails) ? props.StreamModeDetails.StreamMode : undefined;
  const onDemand = mode === 'ON_DEMAND';
  const shardCount = optionalNumber(site, props, 'ShardCount');
  if (!onDemand && shardCount === undefined) fail(site, 'ShardCount', 'is required for a provisioned stream');
  if (shardCount !== undefined && (!Number.isInteger(shardCount) || shardCount < 1)) {
    fail(site, 'ShardCount', `must be a positive integer, got ${shardCount}`);
  }
  return {
    streamName: optionalString(site, props, 'Name') ?? generatedName(site.stackName, site.logicalId, 128),
    shardCount: shardCount ?? KINESIS_DEFAULTS.onDemandShardCount,
    onDemand,
    retentionHours: optionalNumber(site, props, 'RetentionPeriodHours') ?? KINESIS_DEFAULTS.retentionHours,
  };
}

/**
 * Parses `AWS::MSK::Topic.Configs`: base64 of a Java properties text (`retention.ms=86400000` lines).
 *
 * @example
 * ```ts
 * parseTopicConfigs(Buffer.from('cleanup.policy=compact\n').toString('base64')); // { 'cleanup.policy': 'compact' }
 * ```
 */
export function parseTopicConfigs(encoded: string): Record<string, string> {
  const text = Buffer.from(encoded, 'base64').toString('utf8').trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  }
  const configs: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const separator = line.search(/[=:]/);
    if (separator <= 0) throw new Error(`line "${line}" is not key=value`);
    configs[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return configs;
}

/** Reads an `AWS::MSK::Topic`. */
export function topicSpec(site: SpecSite, props: Props): TopicSpec {
  const topicName = optionalString(site, props, 'TopicName');
  if (!topicName) fail(site, 'TopicName', 'is required');
  const partitions = optionalNumber(site, props, 'PartitionCount');
  if (partitions === undefined || !Number.isInteger(partitions) || partitions < 1) {
    fail(site, 'PartitionCount', `must be a positive integer, got ${JSON.stringify(props.PartitionCount)}`);
  }
  const encoded = optionalString(site, props, 'Configs');
  let configs: Record<string, string> = {};
  if (encoded) {
    try {
      configs = parseTopicConfigs(encoded);
    } catch (error) {
      fail(
        site,
        'Configs',
        `is not base64 of topic properties: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  return {
    topicName,
    partitions,
    replicationFactor: optionalNumber(site, props, 'ReplicationFactor') ?? 1,
    configs,
    clusterArn: optionalString(site, props, 'ClusterArn') ?? '',
  };
}

/** CloudFormation `AWS::SQS::Queue` properties that SQS takes as attributes of the same name. */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

/** JSON-valued queue properties (CloudFormation takes an object or a JSON string). */
const QUEUE_JSON_ATTRIBUTES = ['RedrivePolicy', 'RedriveAllowPolicy'] as const;

/** Reads an `AWS::SQS::Queue`. Encryption settings are left out: local queues are not encrypted. */
export function queueSpec(site: SpecSite, props: Props): QueueSpec {
  const fifo = optionalBoolean(site, props, 'FifoQueue') ?? false;
  const queueName =
    optionalString(site, props, 'QueueName') ??
    generatedName(site.stackName, site.logicalId, 80, fifo ? '.fifo' : '');
  if (fifo && !queueName.endsWith('.fifo')) fail(site, 'QueueName', 'a FIFO queue name must end with .fifo');
  const attributes: Record<string, string> = {};
  if (fifo) attributes.FifoQueue = 'true';
  for (const name of QUEUE_ATTRIBUTES) {
    const value = props[name];
    if (value !== undefined) attributes[name] = String(value);
  }
  for (const name of QUEUE_JSON_ATTRIBUTES) {
    const value = props[name];
    if (value === undefined) continue;
    const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    if (!isObject(parsed)) fail(site, name, 'must be an object or a JSON object string');
    attributes[name] = JSON.stringify(parsed);
  }
  return { queueName, fifo, attributes };
}
