/**
 * Creating topics and waiting until every partition has a leader, for the topic provisioner (the
 * `Custom::KafkaTopic` function) and the local deploy alike. kafkajs's own wait (`waitForLeaders: true`)
 * retries only LEADER_NOT_AVAILABLE, and a KRaft broker (MSK's from Kafka 3.7, and the local one) may first
 * answer UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") for a topic it has
 * just created, which failed the whole create: the wait is done here instead.
 */
import type { Admin, ITopicConfig } from 'kafkajs';

/** How often the leaders are looked up while a topic settles. */
const LEADER_POLL_MS = 100;

export interface CreateTopicsOptions {
  /** How long the create and the wait for leaders may take in all, ms. */
  readonly timeoutMs: number;
}

type TopicCreator = Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>;

/**
 * Creates the topics and resolves once each has a leader for every partition asked for; throws, naming the
 * topic, when that takes longer than `timeoutMs`, or with the broker's error when it is not retriable.
 *
 * @example
 * ```ts
 * await createTopicsAndWait(admin, [{ topic: 'orders.changes', numPartitions: 3 }], { timeoutMs: 30_000 });
 * ```
 */
export async function createTopicsAndWait(
  admin: TopicCreator,
  topics: readonly ITopicConfig[],
  { timeoutMs }: CreateTopicsOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await admin.createTopics({ topics: [...topics], waitForLeaders: false, timeout: timeoutMs });
  for (const { topic, numPartitions } of topics) {
    await waitForLeaders(admin, topic, numPartitions ?? 1, deadline, timeoutMs);
  }
}

/**
 * Adds partitions to a topic and resolves once the topic has a leader for each of its `count` partitions
 * (the broker's metadata shows new partitions a moment after the request returns); throws, naming the topic,
 * past `timeoutMs`.
 *
 * @example
 * ```ts
 * await createPartitionsAndWait(admin, 'orders.changes', 6, { timeoutMs: 30_000 });
 * ```
 */
export async function createPartitionsAndWait(
  admin: Pick<Admin, 'createPartitions' | 'fetchTopicMetadata'>,
  topic: string,
  count: number,
  { timeoutMs }: CreateTopicsOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await admin.createPartitions({ topicPartitions: [{ topic, count }], timeout: timeoutMs });
  await waitForLeaders(admin, topic, count, deadline, timeoutMs);
}

async function waitForLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topic: string,
  partitions: number,
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  while (true) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const led = metadata.topics[0]?.partitions.filter((partition) => partition.leader >= 0) ?? [];
      if (led.length >= partitions) return;
    } catch (error) {
      if (!(error as { retriable?: boolean } | null)?.retriable) throw error;
    }
    if (Date.now() + LEADER_POLL_MS > deadline) {
      throw new Error(
        `topic ${topic}: its ${partitions} partitions had no leader ${timeoutMs} ms after they were asked for`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}
