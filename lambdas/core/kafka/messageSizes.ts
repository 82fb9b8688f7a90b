/**
 * Sizes of Kafka records as the broker sees them, used before sending: a record whose own batch would
 * exceed the topic's limit can never be produced (a poison record), and one send must not put more than
 * the limit into one partition's record batch (the broker would refuse the whole batch).
 *
 * @example
 * ```ts
 * const bytes = recordBytes(key, value, headers);
 * if (bytes + RECORD_SIZES.batchOverheadBytes > maxMessageBytes) deadLetter('RecordTooLarge');
 * const sends = splitIntoSends(messages, { maxMessageBytes: () => 1_048_588, partitions: () => 6 });
 * ```
 */
import type { PartitionMetadata, TopicMessages } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { RECORD_SIZES } from './constants';
import type { OutgoingMessage } from './types';

/** Upper bound of one record's bytes inside a v2 record batch (uncompressed, worst-case varints). */
export function recordBytes(
  key: string,
  value: string | null,
  headers: Readonly<Record<string, string>>,
): number {
  let bytes =
    RECORD_SIZES.recordOverheadBytes +
    Buffer.byteLength(key) +
    (value === null ? 0 : Buffer.byteLength(value));
  for (const name in headers) {
    bytes += RECORD_SIZES.headerOverheadBytes + name.length + Buffer.byteLength(headers[name] as string);
  }
  return bytes;
}

/** What `splitIntoSends` needs to know of each topic. */
export interface TopicLimits {
  /** The topic's `max.message.bytes`: the limit of one partition's record batch. */
  maxMessageBytes(topic: string): number;
  /** The topic's partition count as provisioned; 1 counts every message against one partition. */
  partitions(topic: string): number;
}

const PARTITION_METADATA = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));

/**
 * Splits messages, kept in order, into consecutive sends in which no partition's record batch exceeds its
 * topic's limit (kafkajs builds one record batch per partition and the broker refuses a batch over the
 * limit; compression only makes batches smaller). Partitions are predicted with the producer's own
 * partitioner (Java-compatible murmur2) over the provisioned partition count. Almost every batch is one send.
 */
export function splitIntoSends(
  messages: readonly OutgoingMessage[],
  limits: TopicLimits,
): OutgoingMessage[][] {
  if (messages.length === 0) return [];
  const totals = new Map<string, number>();
  for (const message of messages) {
    totals.set(message.topic, (totals.get(message.topic) ?? RECORD_SIZES.batchOverheadBytes) + message.bytes);
  }
  // The usual case: even with every message on one partition, each topic fits its limit.
  if ([...totals].every(([topic, total]) => total <= limits.maxMessageBytes(topic))) return [[...messages]];
  const partitioner = Partitioners.DefaultPartitioner();
  const metadata = new Map<string, PartitionMetadata[]>();
  const partitionOf = (message: OutgoingMessage): number => {
    let partitionMetadata = metadata.get(message.topic);
    if (!partitionMetadata) {
      partitionMetadata = PARTITION_METADATA(Math.max(1, limits.partitions(message.topic)));
      metadata.set(message.topic, partitionMetadata);
    }
    if (partitionMetadata.length === 1) return 0;
    return partitioner({
      topic: message.topic,
      partitionMetadata,
      message: { key: message.key, value: null },
    });
  };
  const sends: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let used = new Map<string, number[]>();
  for (const message of messages) {
    const partition = partitionOf(message);
    let topicUse = used.get(message.topic);
    if (!topicUse) {
      topicUse = [];
      used.set(message.topic, topicUse);
    }
    const before = topicUse[partition] ?? RECORD_SIZES.batchOverheadBytes;
    if (current.length > 0 && before + message.bytes > limits.maxMessageBytes(message.topic)) {
      sends.push(current);
      current = [];
      topicUse = [];
      used = new Map([[message.topic, topicUse]]);
    }
    current.push(message);
    topicUse[partition] = (topicUse[partition] ?? RECORD_SIZES.batchOverheadBytes) + message.bytes;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}

/** Groups messages by topic for `producer.sendBatch`, keeping their order within each topic. */
export function topicMessages(messages: readonly OutgoingMessage[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const message of messages) {
    let entry = byTopic.get(message.topic);
    if (!entry) {
      entry = { topic: message.topic, messages: [] };
      byTopic.set(message.topic, entry);
    }
    // The message itself: kafkajs reads key, value and headers and ignores the rest.
    entry.messages.push(message);
  }
  return [...byTopic.values()];
}
