import type { Admin, ITopicConfig } from 'kafkajs';
import kafkajs from 'kafkajs';
import {
  createPartitionsAndWait,
  createTopicsAndWait as createTopicsWithLeaders,
} from '../../lambdas/core/kafka/createTopicsAndWait';
import { DEPLOY_ACTIONS, LOCAL_REPLICATION_FACTOR } from './constants';
import type { TopicSpec } from './resourceSpecs';
import type { DeployAction } from './types';

// kafkajs is CommonJS: its enums are reachable only through the default export under Node's ESM loader.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface TopicOutcome {
  readonly action: DeployAction;
  readonly detail: string;
  readonly partitions: number;
}

const ADMIN_TIMEOUT_MS = 30_000;

function configText(configs: Readonly<Record<string, string>>): string {
  const entries = Object.entries(configs);
  return entries.length > 0 ? entries.map(([key, value]) => `${key}=${value}`).join(', ') : 'broker defaults';
}

function sameConfigs(
  left: Readonly<Record<string, string>>,
  right: Readonly<Record<string, string>>,
): boolean {
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].every((key) => left[key] === right[key]);
}

async function partitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) return undefined;
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics[0]?.partitions.length ?? 0;
}

/**
 * Creates topics on the local broker and waits until every partition has a leader (see
 * `lambdas/core/kafka/createTopicsAndWait.ts` for why not kafkajs's own wait).
 *
 * @example
 * ```ts
 * await createTopicsAndWait(admin, [{ topic: 'orders.changes', numPartitions: 3 }]);
 * ```
 */
export function createTopicsAndWait(admin: Admin, topics: readonly ITopicConfig[]): Promise<void> {
  return createTopicsWithLeaders(admin, topics, { timeoutMs: ADMIN_TIMEOUT_MS });
}

/** The configs set on the topic itself (not inherited from the broker). */
async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const entries = described.resources[0]?.configEntries ?? [];
  return Object.fromEntries(
    entries
      .filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG)
      .map((entry) => [entry.configName, entry.configValue]),
  );
}

/**
 * Creates the topic on the local broker with its partition count and configs (`retention.ms`,
 * `cleanup.policy`, `max.message.bytes`, …), or brings an existing topic in line: partitions can grow,
 * configs are replaced by the template's set. Kafka cannot remove partitions: fewer partitions is reported
 * as blocked. The single local broker always uses replication factor 1.
 *
 * @example
 * ```ts
 * await deployTopic(await clients.kafkaAdmin(), { topicName: 'orders.changes', partitions: 3, configs: {}, … });
 * ```
 */
export async function deployTopic(admin: Admin, spec: TopicSpec): Promise<TopicOutcome> {
  const current = await partitionCount(admin, spec.topicName);
  if (current === undefined) {
    await createTopicsAndWait(admin, [
      {
        topic: spec.topicName,
        numPartitions: spec.partitions,
        replicationFactor: LOCAL_REPLICATION_FACTOR,
        configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      },
    ]);
    const replicas =
      spec.replicationFactor === LOCAL_REPLICATION_FACTOR
        ? ''
        : ` (replication factor ${spec.replicationFactor} → ${LOCAL_REPLICATION_FACTOR} on the single local broker)`;
    return {
      action: DEPLOY_ACTIONS.created,
      detail: `${spec.partitions} partitions; ${configText(spec.configs)}${replicas}`,
      partitions: spec.partitions,
    };
  }
  const changes: string[] = [];
  const blocked: string[] = [];
  if (spec.partitions > current) {
    await createPartitionsAndWait(admin, spec.topicName, spec.partitions, { timeoutMs: ADMIN_TIMEOUT_MS });
    changes.push(`partitions ${current} → ${spec.partitions}`);
  } else if (spec.partitions < current) {
    blocked.push(
      `partitions ${current} → ${spec.partitions}: Kafka cannot remove partitions; delete the topic (or run \`streambridge local destroy\`) and deploy again`,
    );
  }
  const configs = await topicConfigs(admin, spec.topicName);
  if (!sameConfigs(configs, spec.configs)) {
    // AlterConfigs (not the incremental variant) replaces the topic's whole set, which also drops removed keys.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: spec.topicName,
          configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    changes.push(`configs ${configText(configs)} → ${configText(spec.configs)}`);
  }
  const partitions = Math.max(current, spec.partitions);
  if (blocked.length > 0) {
    return {
      action: DEPLOY_ACTIONS.blocked,
      detail: [...changes, ...blocked].join('; '),
      partitions: current,
    };
  }
  return {
    action: changes.length > 0 ? DEPLOY_ACTIONS.updated : DEPLOY_ACTIONS.unchanged,
    detail: changes.length > 0 ? changes.join('; ') : `${partitions} partitions; ${configText(spec.configs)}`,
    partitions,
  };
}
