import type { Admin } from 'kafkajs';

/**
 * Properties of a `Custom::KafkaTopic` resource. CloudFormation passes every scalar of a custom resource
 * as a string, so numbers arrive as `"6"`.
 */
export interface KafkaTopicProperties {
  readonly TopicName: string;
  readonly PartitionCount: string | number;
  readonly ReplicationFactor: string | number;
  /** Kafka topic configs (`retention.ms`, `cleanup.policy`, ...). */
  readonly Configs?: Readonly<Record<string, string | number>>;
}

/** A desired topic, parsed from {@link KafkaTopicProperties}. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** The admin operations the provisioner uses (kafkajs `Admin`, or a fake in unit tests). */
export type TopicAdmin = Pick<
  Admin,
  | 'listTopics'
  | 'fetchTopicMetadata'
  | 'fetchTopicOffsets'
  | 'createTopics'
  | 'createPartitions'
  | 'alterConfigs'
  | 'deleteTopics'
>;
