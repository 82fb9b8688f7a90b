import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DEFAULT_MAX_RECORD_AGE_SECONDS } from '../../config/constants';
import type { EventSourceSettings, FilterPattern } from '../../config/types';
import { KAFKA_POLLER_DEFAULTS } from '../constants';

/**
 * Event source defaults applied when the config is silent. AWS's own defaults are unbounded retries; ours
 * are finite but generous: a failing batch is retried (with backoff) long enough to ride out a broker or
 * cache restart, and `maxRecordAgeSeconds` (6 h) is the real bound before the batch goes, payload included,
 * to the S3 failure-record bucket. A handful of retries would send every batch of a one-minute outage there.
 */
export const EVENT_SOURCE_DEFAULTS = {
  batchSize: 500,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 1000,
  maxRecordAgeSeconds: DEFAULT_MAX_RECORD_AGE_SECONDS,
  parallelizationFactor: 1,
  bisectOnError: true,
  startingPosition: 'TRIM_HORIZON',
} as const;

/** Event source settings with every default filled in. */
export interface ResolvedEventSourceSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly parallelizationFactor: number;
  readonly bisectOnError: boolean;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly filters: readonly FilterPattern[];
}

/**
 * Merges a source's or sink's `eventSource` settings over `EVENT_SOURCE_DEFAULTS` (finite retries and
 * record age, bisect on error: AWS's own defaults retry forever).
 *
 * @example
 * ```ts
 * resolveEventSourceSettings({ batchSize: 1000 }).retryAttempts; // 1000
 * ```
 */
export function resolveEventSourceSettings(settings: EventSourceSettings = {}): ResolvedEventSourceSettings {
  return {
    batchSize: settings.batchSize ?? EVENT_SOURCE_DEFAULTS.batchSize,
    maxBatchingWindowSeconds:
      settings.maxBatchingWindowSeconds ?? EVENT_SOURCE_DEFAULTS.maxBatchingWindowSeconds,
    retryAttempts: settings.retryAttempts ?? EVENT_SOURCE_DEFAULTS.retryAttempts,
    maxRecordAgeSeconds: settings.maxRecordAgeSeconds ?? EVENT_SOURCE_DEFAULTS.maxRecordAgeSeconds,
    parallelizationFactor: settings.parallelizationFactor ?? EVENT_SOURCE_DEFAULTS.parallelizationFactor,
    bisectOnError: settings.bisectOnError ?? EVENT_SOURCE_DEFAULTS.bisectOnError,
    startingPosition: settings.startingPosition ?? EVENT_SOURCE_DEFAULTS.startingPosition,
    filters: settings.filters ?? [],
  };
}

type MappingOptions = Omit<lambda.EventSourceMappingProps, 'target'>;

function commonOptions(
  resolved: ResolvedEventSourceSettings,
  onFailure: lambda.IEventSourceDlq,
): MappingOptions {
  return {
    batchSize: resolved.batchSize,
    maxBatchingWindow: Duration.seconds(resolved.maxBatchingWindowSeconds),
    retryAttempts: resolved.retryAttempts,
    maxRecordAge: Duration.seconds(resolved.maxRecordAgeSeconds),
    bisectBatchOnError: resolved.bisectOnError,
    // Every handler reports the first failed record; without this a failure would replay the whole batch.
    reportBatchItemFailures: true,
    startingPosition: lambda.StartingPosition[resolved.startingPosition],
    onFailure,
    ...(resolved.filters.length > 0
      ? { filters: resolved.filters.map((pattern) => lambda.FilterCriteria.filter({ ...pattern })) }
      : {}),
  };
}

/**
 * Options of a DynamoDB Streams or Kinesis event source mapping: the resolved settings, partial batch
 * responses, and the on-failure destination.
 */
export function streamEventSourceOptions(
  eventSourceArn: string,
  settings: EventSourceSettings | undefined,
  onFailure: lambda.IEventSourceDlq,
): MappingOptions {
  const resolved = resolveEventSourceSettings(settings);
  return {
    ...commonOptions(resolved, onFailure),
    eventSourceArn,
    parallelizationFactor: resolved.parallelizationFactor,
  };
}

export interface KafkaEventSourceTarget {
  /** An MSK cluster, or a self-managed Kafka's bootstrap brokers (`host:port`). */
  readonly cluster: { readonly clusterArn: string } | { readonly bootstrapServers: readonly string[] };
  readonly topic: string;
  /** Immutable once the mapping exists: changing it replaces the mapping and restarts from `startingPosition`. */
  readonly consumerGroupId: string;
  /** Mappings sharing a poller group share the provisioned poller capacity (same VPC, ≤ 100 per group). */
  readonly pollerGroupName: string;
  readonly sourceAccessConfigurations?: lambda.SourceAccessConfiguration[];
}

/**
 * Options of an MSK or self-managed Kafka event source mapping. Provisioned pollers are always on: Kafka sources honour partial
 * batch responses, bisect, finite retries and record age only in provisioned mode.
 */
export function kafkaEventSourceOptions(
  target: KafkaEventSourceTarget,
  settings: EventSourceSettings | undefined,
  onFailure: lambda.IEventSourceDlq,
): MappingOptions {
  const resolved = resolveEventSourceSettings(settings);
  return {
    ...commonOptions(resolved, onFailure),
    ...('clusterArn' in target.cluster
      ? { eventSourceArn: target.cluster.clusterArn }
      : { kafkaBootstrapServers: [...target.cluster.bootstrapServers] }),
    kafkaTopic: target.topic,
    kafkaConsumerGroupId: target.consumerGroupId,
    provisionedPollerConfig: { ...KAFKA_POLLER_DEFAULTS, pollerGroupName: target.pollerGroupName },
    ...(target.sourceAccessConfigurations
      ? { sourceAccessConfigurations: target.sourceAccessConfigurations }
      : {}),
  };
}

/**
 * The consumer group of one topic of a Kafka sink. Lambda's MSK event source mappings read one topic each
 * and need a group id unique among them, so a sink reading several topics gets `<consumerGroup>.<topic>`.
 */
export function kafkaConsumerGroupId(consumerGroup: string, topic: string): string {
  return `${consumerGroup}.${topic}`;
}
