import { describe, expect, it } from 'vitest';
import { RECORD_SIZES } from '../../../lambdas/core/kafka/constants';
import { recordBytes, splitIntoSends, topicMessages } from '../../../lambdas/core/kafka/messageSizes';
import type { OutgoingMessage } from '../../../lambdas/core/kafka/types';

function message(topic: string, size: number, key = 'k'): OutgoingMessage {
  const value = 'x'.repeat(size);
  return {
    topic,
    key,
    value,
    headers: {},
    bytes: recordBytes(key, value, {}),
  };
}

describe('splitIntoSends', () => {
  it('keeps a batch in one send when every topic fits its limit', () => {
    // Prepare
    const messages = [message('a', 100), message('b', 100), message('a', 100)];

    // Act
    const sends = splitIntoSends(messages, { maxMessageBytes: () => 1_000, partitions: () => 1 });

    // Assess
    expect(sends).toEqual([messages]);
  });

  it('starts a new send, in order, before a topic would exceed its limit', () => {
    // Prepare
    const messages = [message('a', 400), message('a', 400), message('b', 10), message('a', 400)];
    const limit = RECORD_SIZES.batchOverheadBytes + 2 * (messages[0] as OutgoingMessage).bytes;

    // Act
    const sends = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 1 });

    // Assess
    expect(sends.map((send) => send.length)).toEqual([3, 1]);
    expect(sends.flat()).toEqual(messages);
  });

  it('counts per predicted partition, so keys spread over partitions share one send', () => {
    // Prepare: two keys that murmur2 puts on different partitions of a 2-partition topic.
    const [k1, k2] = ['k1', 'k3'];
    const messages = [message('a', 400, k1), message('a', 400, k2)];
    const limit = RECORD_SIZES.batchOverheadBytes + (messages[0] as OutgoingMessage).bytes;

    // Act
    const onePartition = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 1 });
    const twoPartitions = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 2 });

    // Assess
    expect(onePartition.map((send) => send.length)).toEqual([1, 1]);
    expect(twoPartitions.map((send) => send.length)).toEqual([2]);
  });

  it('groups a send by topic for sendBatch, keeping order within a topic', () => {
    // Prepare
    const messages = [message('a', 1, 'k1'), message('b', 1, 'k2'), message('a', 1, 'k3')];

    // Act
    const batch = topicMessages(messages);

    // Assess
    expect(batch.map((t) => [t.topic, t.messages.map((m) => String(m.key))])).toEqual([
      ['a', ['k1', 'k3']],
      ['b', ['k2']],
    ]);
  });
});
