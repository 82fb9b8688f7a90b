import type { Admin } from 'kafkajs';
import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { deployTopic } from '../deployTopic';
import type { LocalClients } from '../LocalClients';
import { topicSpec } from '../resourceSpecs';
import type { ResourceDeployer } from './types';

async function reachableAdmin(clients: LocalClients): Promise<Admin> {
  try {
    return await clients.kafkaAdmin();
  } catch (error) {
    throw new Error(
      `cannot reach the Kafka broker at ${clients.endpoints.kafkaBrokers}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** `AWS::MSK::Topic` on the local broker: partitions and configs, one replica. */
export const topicDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.topic,
  plan(site, context) {
    const spec = topicSpec(site, site.properties());
    const { region, accountId } = context.pseudo;
    const arn = spec.clusterArn.includes(':cluster/')
      ? `${spec.clusterArn.replace(':cluster/', ':topic/')}/${spec.topicName}`
      : `arn:aws:kafka:${region}:${accountId}:topic/local/${spec.topicName}`;
    const values = { type: CFN_TYPES.mskTopic, ref: arn, attributes: { TopicArn: arn } };
    const existing = context.existingTopic(spec.topicName);
    if (existing) {
      return {
        skipped: `declared existing (${existing}): found on the broker, not created nor changed`,
        values,
      };
    }
    return {
      name: spec.topicName,
      async apply() {
        const outcome = await deployTopic(await reachableAdmin(context.clients), spec);
        context.topics.push({
          logicalId: site.logicalId,
          name: spec.topicName,
          partitions: outcome.partitions,
          configs: spec.configs,
        });
        return { action: outcome.action, detail: outcome.detail, values };
      },
    };
  },
  server: {
    kind: 'topic',
    type: CFN_TYPES.mskTopic,
    async describe(clients, name) {
      const admin = await clients.kafkaAdmin();
      if (!(await admin.listTopics()).includes(name))
        return { exists: false, detail: 'missing on the broker' };
      const metadata = await admin.fetchTopicMetadata({ topics: [name] });
      return { exists: true, detail: `${metadata.topics[0]?.partitions.length ?? 0} partitions` };
    },
    async remove(clients, name) {
      const admin = await clients.kafkaAdmin();
      if (!(await admin.listTopics()).includes(name)) return false;
      await admin.deleteTopics({ topics: [name] });
      return true;
    },
  },
};
