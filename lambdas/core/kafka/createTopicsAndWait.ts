/**
 * Creating topics and waiting until every partition is served by its leader, for the topic provisioner (the
 * `Custom::KafkaTopic` function) and the local deploy alike. kafkajs's own wait (`waitForLeaders: true`)
 * retries only LEADER_NOT_AVAILABLE, and a KRaft broker (MSK's from Kafka 3.7, and the local one) may first
 * answer UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") for a topic it has
 * just created, which failed the whole create: the wait is done here instead.
 *
 * A leader in the metadata is not yet enough: a KRaft broker publishes the metadata before it has taken the
 * partition's log over, and a Produce in between is refused with NOT_LEADER_OR_FOLLOWER. kafkajs then sends
 * the whole request again, so the partitions that took it the first time hold those records twice (4 of 40
 * sends to just-created topics on the local broker). The wait therefore ends only when ListOffsets, which a
 * partition's leader answers once it serves the partition, succeeds for every partition (the
 * `kafka-cluster:DescribeTopic` permission on MSK, which the metadata lookup needs anyway).
 */
import type { Admin, ITopicConfig } from 'kafkajs';

/** How often the leaders are looked up while a topic settles. */
const LEADER_POLL_MS = 100;

export interface CreateTopicsOptions {
  /** How long the create and the wait for leaders may take in all, ms. */
  readonly timeoutMs: number;
}

/** The admin calls the wait makes once a topic exists: its metadata, then each partition's offsets. */
type TopicWaiter = Pick<Admin, 'fetchTopicMetadata' | 'fetchTopicOffsets'>;
type TopicCreator = Pick<Admin, 'createTopics'> & TopicWaiter;

/**
 * Creates the topics and resolves once each partition asked for is served by its leader; throws, naming the
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
 * Adds partitions to a topic and resolves once each of its `count` partitions is served by its leader (the
 * broker's metadata shows new partitions a moment after the request returns); throws, naming the topic,
 * past `timeoutMs`.
 *
 * @example
 * ```ts
 * await createPartitionsAndWait(admin, 'orders.changes', 6, { timeoutMs: 30_000 });
 * ```
 */
export async function createPartitionsAndWait(
  admin: Pick<Admin, 'createPartitions'> & TopicWaiter,
  topic: string,
  count: number,
  { timeoutMs }: CreateTopicsOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await admin.createPartitions({ topicPartitions: [{ topic, count }], timeout: timeoutMs });
  await waitForLeaders(admin, topic, count, deadline, timeoutMs);
}

async function waitForLeaders(
  admin: TopicWaiter,
  topic: string,
  partitions: number,
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  while (true) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const led = metadata.topics[0]?.partitions.filter((partition) => partition.leader >= 0) ?? [];
      if (led.length >= partitions && (await admin.fetchTopicOffsets(topic)).length >= partitions) return;
    } catch (error) {
      if (!(error as { retriable?: boolean } | null)?.retriable) throw error;
    }
    if (Date.now() + LEADER_POLL_MS > deadline) {
      throw new Error(
        `topic ${topic}: its ${partitions} partitions were not served by a leader ${timeoutMs} ms after they were asked for`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}
