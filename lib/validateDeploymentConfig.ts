import { ConfigError } from '../config/errors';
import { changeBridgeSlice, dynamoSinkSlice, redisSinkSlice } from '../config/handlerSlices';
import type { PipelineConfig } from '../config/types';
import { KAFKA_CLUSTER_DEFAULTS } from './constants';
import { MSK_AVAILABILITY_ZONE_IDS, TWO_AZ_MSK_REGIONS } from './defaults/availabilityZoneDefaults';
import { kafkaConsumerGroupId } from './defaults/eventSourceDefaults';
import { kafkaClusterDefaults } from './defaults/kafkaClusterDefaults';

/** Lambda limits all environment variables of a function to 4 KB together. */
const LAMBDA_ENVIRONMENT_BYTES = 4096;
/** Room kept for the other variables (ARNs, queue URL, endpoints) next to `STREAMBRIDGE_CONFIG`. */
const OTHER_VARIABLES_BYTES = 900;
/** AZs of the default network (two per region in {@link MSK_AVAILABILITY_ZONE_IDS}). */
const DEFAULT_AZ_COUNT = (Object.values(MSK_AVAILABILITY_ZONE_IDS)[0] as readonly string[]).length;
/** Lambda's limit on a Kafka consumer group id. */
const CONSUMER_GROUP_MAX = 200;

function versionAtLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < minimum.length; i++) {
    const have = Number.isNaN(parts[i] as number) ? 0 : (parts[i] as number);
    const need = minimum[i] as number;
    if (have !== need) return have > need;
  }
  return true;
}

/** The AZs the pipeline's subnets are in, as configured (undefined: the default ones). */
function configuredZones(config: PipelineConfig): readonly string[] | undefined {
  return config.network?.existing?.availabilityZones ?? config.network?.availabilityZones;
}

function checkKafka(config: PipelineConfig, fail: (path: string, message: string) => void): void {
  // An existing cluster's placement, version and brokers are its owner's.
  if (config.kafka.existing) return;
  const kafka = kafkaClusterDefaults(config.kafka);
  if (kafka.type === 'serverless') {
    for (const field of [
      'kafkaVersion',
      'brokerCount',
      'instanceType',
      'volumeSizeGiB',
      'maxVolumeSizeGiB',
    ] as const) {
      if (config.kafka[field] !== undefined) {
        fail(`kafka.${field}`, 'MSK Serverless has no such setting; remove it or use type "provisioned"');
      }
    }
    config.topics.forEach((topic, i) => {
      if (topic.replicationFactor !== undefined && topic.replicationFactor !== 3) {
        fail(`topics[${i}].replicationFactor`, 'MSK Serverless replicates every topic 3 times');
      }
    });
    return;
  }
  const zones = configuredZones(config);
  const zonesPath = config.network?.existing
    ? 'network.existing.availabilityZones'
    : 'network.availabilityZones';
  const azs = zones?.length ?? DEFAULT_AZ_COUNT;
  if (azs < 2 || azs > 3) {
    fail(zonesPath, 'an MSK cluster needs subnets in two or three AZs');
  }
  if (kafka.brokerCount % azs !== 0) {
    fail(
      'kafka.brokerCount',
      `must be a multiple of ${azs} (MSK places the same number of brokers in each of the ${azs} AZs)`,
    );
  }
  const [first] = zones ?? [];
  const twoAzRegion =
    first !== undefined &&
    ((TWO_AZ_MSK_REGIONS.names as readonly string[]).includes(first.slice(0, -1)) ||
      (TWO_AZ_MSK_REGIONS.idPrefixes as readonly string[]).includes(first.split('-az')[0] as string));
  if (twoAzRegion && azs !== 2) {
    fail(zonesPath, `MSK takes exactly two AZs in ${TWO_AZ_MSK_REGIONS.names.join(', ')}`);
  }
  if (kafka.maxVolumeSizeGiB < kafka.volumeSizeGiB) {
    fail(
      'kafka.maxVolumeSizeGiB',
      `${kafka.maxVolumeSizeGiB} is below kafka.volumeSizeGiB (${kafka.volumeSizeGiB}): MSK storage only grows`,
    );
  }
  if (!versionAtLeast(kafka.kafkaVersion, KAFKA_CLUSTER_DEFAULTS.minTopicApiVersion)) {
    fail(
      'kafka.kafkaVersion',
      `"${kafka.kafkaVersion}" is too old: topics are declared as AWS::MSK::Topic, which needs Kafka ${KAFKA_CLUSTER_DEFAULTS.minTopicApiVersion.join('.')} or later`,
    );
  }
  config.topics.forEach((topic, i) => {
    if (topic.replicationFactor !== undefined && topic.replicationFactor > kafka.brokerCount) {
      fail(
        `topics[${i}].replicationFactor`,
        `${topic.replicationFactor} exceeds the ${kafka.brokerCount} brokers of kafka.brokerCount`,
      );
    }
  });
}

function checkCache(config: PipelineConfig, fail: (path: string, message: string) => void): void {
  const cache = config.cache;
  if (!cache || cache.existing) return;
  if (cache.type === 'serverless') {
    if (cache.auth === 'token')
      fail('cache.auth', 'ElastiCache Serverless authenticates with RBAC users only');
    for (const field of ['nodeType', 'replicas', 'shards', 'clusterMode'] as const) {
      if (cache[field] !== undefined) {
        fail(
          `cache.${field}`,
          'ElastiCache Serverless sizes itself; remove it or use type "replication-group"',
        );
      }
    }
    return;
  }
  if (cache.shards !== undefined && cache.clusterMode !== true) {
    fail('cache.shards', 'shards need cache.clusterMode: true');
  }
}

function checkTables(config: PipelineConfig, fail: (path: string, message: string) => void): void {
  const sources = new Set(config.sources.map((source) => source.name));
  config.sinks.dynamodb?.tables.forEach((table, i) => {
    if (sources.has(table.name)) {
      fail(`sinks.dynamodb.tables[${i}].name`, `"${table.name}" is already a source table`);
    }
  });
  config.sources.forEach((source, i) => {
    if (source.kinesis !== undefined && source.via !== 'kinesis') {
      fail(`sources[${i}].kinesis`, 'is used only with via: "kinesis"');
    }
  });
}

function checkHandlerLimits(config: PipelineConfig, fail: (path: string, message: string) => void): void {
  const slices: [string, unknown][] = [
    ['sources (via dynamodb-streams)', changeBridgeSlice(config, 'dynamodb-streams')],
    ['sources (via kinesis)', changeBridgeSlice(config, 'kinesis')],
    ['sinks.redis', redisSinkSlice(config)],
    ['sinks.dynamodb', dynamoSinkSlice(config)],
  ];
  for (const [path, slice] of slices) {
    if (slice === undefined) continue;
    const bytes = Buffer.byteLength(JSON.stringify(slice), 'utf8');
    if (bytes > LAMBDA_ENVIRONMENT_BYTES - OTHER_VARIABLES_BYTES) {
      fail(
        path,
        `the handler's config is ${bytes} bytes of JSON; Lambda environment variables are limited to ${LAMBDA_ENVIRONMENT_BYTES} bytes in all (keep it under ${LAMBDA_ENVIRONMENT_BYTES - OTHER_VARIABLES_BYTES})`,
      );
    }
  }
  for (const kind of ['redis', 'dynamodb'] as const) {
    const sink = config.sinks[kind];
    if (!sink) continue;
    for (const topic of new Set(sink.mappings.map((mapping) => mapping.topic))) {
      const group = kafkaConsumerGroupId(sink.consumerGroup, topic);
      if (group.length > CONSUMER_GROUP_MAX) {
        fail(
          `sinks.${kind}.consumerGroup`,
          `consumer group "${group}" (of topic ${topic}) is longer than ${CONSUMER_GROUP_MAX} characters`,
        );
      }
    }
  }
}

/**
 * Checks what only deployment cares about, after `validatePipelineConfig`: MSK broker placement and topic
 * API version, replication factors, options that do not exist on serverless MSK or ElastiCache, table name
 * clashes, and Lambda limits (environment size, consumer group length). Throws one {@link ConfigError}
 * naming every bad field.
 *
 * @example
 * ```ts
 * validateDeploymentConfig(validatePipelineConfig(raw));
 * ```
 */
export function validateDeploymentConfig(config: PipelineConfig): PipelineConfig {
  const issues: string[] = [];
  const fail = (path: string, message: string) => issues.push(`${path}: ${message}`);
  checkKafka(config, fail);
  checkCache(config, fail);
  checkTables(config, fail);
  checkHandlerLimits(config, fail);
  if (issues.length > 0) throw new ConfigError(issues, 'pipeline config cannot be deployed');
  return config;
}
