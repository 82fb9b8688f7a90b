import type { Admin, ITopicMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  createPartitionsAndWait,
  createTopicsAndWait,
} from '../../../lambdas/core/kafka/createTopicsAndWait';

type Answer = ITopicMetadata | Error;
/** A ListOffsets answer: offsets for this many partitions, or the leader's error. */
type OffsetsAnswer = number | Error;

/**
 * An admin whose metadata and offsets lookups answer from scripts, one entry per call (the last one
 * repeats); by default every partition the metadata shows answers ListOffsets.
 */
function scriptedAdmin(answers: readonly Answer[], offsetsAnswers?: readonly OffsetsAnswer[]) {
  const created: unknown[] = [];
  let lookups = 0;
  let offsetsLookups = 0;
  let shown = 0;
  const admin = {
    createTopics: async (options: unknown) => {
      created.push(options);
      return true;
    },
    createPartitions: async (options: unknown) => {
      created.push(options);
      return true;
    },
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(lookups, answers.length - 1)] as Answer;
      lookups++;
      if (answer instanceof Error) throw answer;
      shown = answer.partitions.length;
      return { topics: [answer] };
    },
    fetchTopicOffsets: async () => {
      const answer = offsetsAnswers?.[Math.min(offsetsLookups, offsetsAnswers.length - 1)] ?? shown;
      offsetsLookups++;
      if (answer instanceof Error) throw answer;
      return Array.from({ length: answer }, (_, partition) => ({
        partition,
        offset: '0',
        high: '0',
        low: '0',
      }));
    },
  } satisfies Pick<Admin, 'createTopics' | 'createPartitions' | 'fetchTopicMetadata' | 'fetchTopicOffsets'>;
  return { admin, created, lookups: () => lookups, offsetsLookups: () => offsetsLookups };
}

function led(name: string, leaders: readonly number[]): ITopicMetadata {
  return {
    name,
    partitions: leaders.map((leader, partitionId) => ({
      partitionId,
      leader,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
    })),
  };
}

/** kafkajs's error for a topic a KRaft broker has created but does not host yet: retriable. */
function unknownTopic(): Error {
  return Object.assign(new Error('This server does not host this topic-partition'), {
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    retriable: true,
  });
}

/** kafkajs's error for a partition whose broker is named its leader but does not serve it yet: retriable. */
function notLeader(): Error {
  return Object.assign(new Error('This server is not the leader for that topic-partition'), {
    type: 'NOT_LEADER_FOR_PARTITION',
    retriable: true,
  });
}

describe('createTopicsAndWait', () => {
  it("creates without kafkajs's wait and waits out a new topic's unknown-topic answers until every partition has a leader", async () => {
    // Prepare
    const { admin, created, lookups } = scriptedAdmin([
      unknownTopic(),
      unknownTopic(),
      led('orders', [1, -1, 1]),
      led('orders', [1, 1, 1]),
    ]);
    // Act
    await createTopicsAndWait(admin, [{ topic: 'orders', numPartitions: 3 }], { timeoutMs: 5_000 });
    // Assess
    expect(created).toEqual([
      { topics: [{ topic: 'orders', numPartitions: 3 }], waitForLeaders: false, timeout: 5_000 },
    ]);
    expect(lookups()).toBe(4);
  });

  it('grows a topic and waits until the metadata shows every new partition with a leader', async () => {
    // Prepare: the broker first still shows the 3 old partitions, then a new one without a leader.
    const { admin, created, lookups } = scriptedAdmin([
      led('orders', [1, 1, 1]),
      led('orders', [1, 1, 1, 1, -1]),
      led('orders', [1, 1, 1, 1, 1]),
    ]);
    // Act
    await createPartitionsAndWait(admin, 'orders', 5, { timeoutMs: 5_000 });
    // Assess
    expect(created).toEqual([{ topicPartitions: [{ topic: 'orders', count: 5 }], timeout: 5_000 }]);
    expect(lookups()).toBe(3);
  });

  it("waits past a leader in the metadata until every partition's leader answers ListOffsets (a Produce before it would be refused and sent again)", async () => {
    // Prepare: the metadata shows all leaders at once; the first two offsets lookups are refused.
    const { admin, lookups, offsetsLookups } = scriptedAdmin(
      [led('orders', [1, 1, 1])],
      [notLeader(), notLeader(), 3],
    );
    // Act
    await createTopicsAndWait(admin, [{ topic: 'orders', numPartitions: 3 }], { timeoutMs: 5_000 });
    // Assess
    expect(offsetsLookups()).toBe(3);
    expect(lookups()).toBe(3);
  });

  it('rethrows a broker error that is not retriable and gives up, naming the topic, past the timeout', async () => {
    const denied = Object.assign(new Error('Not authorized to access topics'), { retriable: false });
    await expect(
      createTopicsAndWait(scriptedAdmin([denied]).admin, [{ topic: 'orders' }], { timeoutMs: 5_000 }),
    ).rejects.toBe(denied);
    await expect(
      createTopicsAndWait(scriptedAdmin([unknownTopic()]).admin, [{ topic: 'orders', numPartitions: 2 }], {
        timeoutMs: 300,
      }),
    ).rejects.toThrow(
      'topic orders: its 2 partitions were not served by a leader 300 ms after they were asked for',
    );
  });
});
