import type { KafkaClusterConfig, TopicConfig } from '../../config/types';
import { BROKER_STORAGE_SCALING, KAFKA_CLUSTER_DEFAULTS } from '../constants';

/** A Kafka cluster config with every default filled in. */
export interface ResolvedKafkaClusterConfig {
  readonly type: 'provisioned' | 'serverless';
  readonly kafkaVersion: string;
  readonly brokerCount: number;
  readonly instanceType: string;
  readonly volumeSizeGiB: number;
  /** Storage autoscaling's ceiling per broker; equal to `volumeSizeGiB` when it is off. */
  readonly maxVolumeSizeGiB: number;
  readonly auth: 'iam' | 'scram';
  readonly compression: 'gzip' | 'none';
}

/**
 * MSK defaults: provisioned, Kafka 3.8, two `kafka.t3.small` brokers with 20 GiB each (autoscaled up to
 * 100 GiB), IAM auth, gzip.
 *
 * @example
 * ```ts
 * kafkaClusterDefaults({ auth: 'scram' }).brokerCount; // 2
 * ```
 */
export function kafkaClusterDefaults(config: KafkaClusterConfig = {}): ResolvedKafkaClusterConfig {
  const volumeSizeGiB = config.volumeSizeGiB ?? KAFKA_CLUSTER_DEFAULTS.volumeSizeGiB;
  return {
    type: config.type ?? 'provisioned',
    kafkaVersion: config.kafkaVersion ?? KAFKA_CLUSTER_DEFAULTS.kafkaVersion,
    brokerCount: config.brokerCount ?? KAFKA_CLUSTER_DEFAULTS.brokerCount,
    instanceType: config.instanceType ?? KAFKA_CLUSTER_DEFAULTS.instanceType,
    volumeSizeGiB,
    maxVolumeSizeGiB:
      config.maxVolumeSizeGiB ??
      Math.min(
        BROKER_STORAGE_SCALING.maxVolumeSizeGiB,
        volumeSizeGiB * BROKER_STORAGE_SCALING.defaultMaxVolumeFactor,
      ),
    auth: config.auth ?? 'iam',
    compression: config.compression ?? 'gzip',
  };
}

/** A topic's replication factor: as configured, else one copy per broker up to three. */
export function topicReplicationFactor(topic: TopicConfig, brokerCount: number): number {
  return topic.replicationFactor ?? Math.min(3, brokerCount);
}
