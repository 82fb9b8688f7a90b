/**
 * Creates, converges and deletes Kafka topics for `Custom::KafkaTopic` resources, for clusters that have no
 * `AWS::MSK::Topic` (MSK Serverless). Converging means: a missing topic is created, an existing one gets
 * more partitions when asked and exactly the declared configs (undeclared ones fall back to the cluster
 * defaults). Shrinking partitions or changing the replication factor is refused, as Kafka cannot do it.
 *
 * @example
 * ```ts
 * const physicalId = await new TopicProvisioner(admin).apply(event); // the topic name
 * ```
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ConfigResourceTypes } from 'kafkajs';
import { createPartitionsAndWait, createTopicsAndWait } from '../core/kafka/createTopicsAndWait';
import { PROVISIONER_LIMITS } from './constants';
import { TopicProvisioningError } from './errors';
import type { KafkaTopicProperties, TopicAdmin, TopicSpec } from './types';

function positiveInteger(value: unknown, field: string): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new TopicProvisioningError(`${field}: must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return number;
}

/** Parses and checks the resource properties. */
export function topicSpec(properties: Partial<KafkaTopicProperties>): TopicSpec {
  if (typeof properties.TopicName !== 'string' || properties.TopicName === '') {
    throw new TopicProvisioningError('TopicName: must be a non-empty string');
  }
  return {
    name: properties.TopicName,
    partitions: positiveInteger(properties.PartitionCount, 'PartitionCount'),
    replicationFactor: positiveInteger(properties.ReplicationFactor, 'ReplicationFactor'),
    configs: Object.fromEntries(
      Object.entries(properties.Configs ?? {}).map(([key, value]) => [key, String(value)]),
    ),
  };
}

export class TopicProvisioner {
  readonly #admin: TopicAdmin;

  constructor(admin: TopicAdmin) {
    this.#admin = admin;
  }

  /** Carries out one CloudFormation request; resolves with the physical resource id (the topic name). */
  async apply(event: CloudFormationCustomResourceEvent): Promise<string> {
    if (event.RequestType === 'Delete') {
      await this.#delete(event.PhysicalResourceId);
      return event.PhysicalResourceId;
    }
    const desired = topicSpec(event.ResourceProperties as unknown as KafkaTopicProperties);
    if (event.RequestType === 'Update') {
      const previous = topicSpec(event.OldResourceProperties as unknown as KafkaTopicProperties);
      // A renamed topic is a new topic; CloudFormation then deletes the old one (or keeps it, if retained).
      if (previous.name === desired.name && previous.replicationFactor !== desired.replicationFactor) {
        throw new TopicProvisioningError(
          `${desired.name}: the replication factor cannot change (${previous.replicationFactor} → ${desired.replicationFactor})`,
        );
      }
    }
    await this.#converge(desired);
    return desired.name;
  }

  async #converge(desired: TopicSpec): Promise<void> {
    const existing = await this.#partitionCount(desired.name);
    const configEntries = Object.entries(desired.configs).map(([name, value]) => ({ name, value }));
    if (existing === undefined) {
      const topic = {
        topic: desired.name,
        numPartitions: desired.partitions,
        replicationFactor: desired.replicationFactor,
        configEntries,
      };
      await createTopicsAndWait(this.#admin, [topic], { timeoutMs: PROVISIONER_LIMITS.createTimeoutMs });
      return;
    }
    if (desired.partitions < existing) {
      throw new TopicProvisioningError(
        `${desired.name}: partitions cannot shrink (${existing} → ${desired.partitions})`,
      );
    }
    if (desired.partitions > existing) {
      await createPartitionsAndWait(this.#admin, desired.name, desired.partitions, {
        timeoutMs: PROVISIONER_LIMITS.createTimeoutMs,
      });
    }
    await this.#admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: desired.name, configEntries }],
    });
  }

  async #partitionCount(topic: string): Promise<number | undefined> {
    const topics = await this.#admin.listTopics();
    if (!topics.includes(topic)) return undefined;
    const metadata = await this.#admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics.find((entry) => entry.name === topic)?.partitions.length;
  }

  async #delete(topic: string): Promise<void> {
    if (!(await this.#admin.listTopics()).includes(topic)) return;
    await this.#admin.deleteTopics({ topics: [topic], timeout: PROVISIONER_LIMITS.deleteTimeoutMs });
  }
}
