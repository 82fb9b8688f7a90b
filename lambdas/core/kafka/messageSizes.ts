/**
 * Sizes of Kafka records as the broker sees them, used before sending: a record whose own batch would
 * exceed the topic's limit can never be produced (a poison record), and one send must not put more than
 * the limit into one partition's record batch (the broker would refuse the whole batch).
 *
 * @example
 * ```ts
 * const bytes = recordBytes(key, value, headers);
 * if (bytes + RECORD_BATCH_OVERHEAD_BYTES > maxMessageBytes) deadLetter('RecordTooLarge');
 * const sends = splitIntoSends(messages, (topic) => maxMessageBytes);
 * ```
 */
import type { TopicMessages } from 'kafkajs';
import { HEADER_OVERHEAD_BYTES, RECORD_BATCH_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES } from './constants';
import type { OutgoingMessage } from './types';

/** Upper bound of one record's bytes inside a v2 record batch (uncompressed, worst-case varints). */
export function recordBytes(
  key: Buffer,
  value: Buffer | null,
  headers: Readonly<Record<string, string>>,
): number {
  let bytes = RECORD_OVERHEAD_BYTES + key.length + (value?.length ?? 0);
  for (const name in headers) {
    bytes += HEADER_OVERHEAD_BYTES + name.length + Buffer.byteLength(headers[name] as string);
  }
  return bytes;
}

/**
 * Splits messages, kept in order, into consecutive sends in which no topic carries more than its limit,
 * counting as if every message of a topic went to one partition (kafkajs builds one record batch per
 * partition and the broker checks each against the limit; compression only makes batches smaller).
 * Almost every batch is one send.
 */
export function splitIntoSends(
  messages: readonly OutgoingMessage[],
  limitOf: (topic: string) => number,
): OutgoingMessage[][] {
  const sends: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let perTopic = new Map<string, number>();
  for (const message of messages) {
    const used = perTopic.get(message.topic) ?? RECORD_BATCH_OVERHEAD_BYTES;
    if (current.length > 0 && used + message.bytes > limitOf(message.topic)) {
      sends.push(current);
      current = [];
      perTopic = new Map();
    }
    current.push(message);
    perTopic.set(message.topic, (perTopic.get(message.topic) ?? RECORD_BATCH_OVERHEAD_BYTES) + message.bytes);
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
    entry.messages.push({ key: message.key, value: message.value, headers: message.headers });
  }
  return [...byTopic.values()];
}
