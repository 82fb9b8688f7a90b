/**
 * Counts the change envelopes on the change topics, and among them the TTL deletes (`"ttlExpired":true`):
 * what the bridges made of the service deletes the local moto issued. A consumer of its own group reads
 * from the start while the soak runs (a broker crash only pauses it), and `catchUp` waits, bounded, until
 * it has read up to every partition's end.
 */
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

const TTL_MARK = '"ttlExpired":true';

export class TtlEnvelopeCounter {
  readonly #topics: readonly string[];
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  /** `topic/partition` → next offset to read. */
  readonly #next = new Map<string, bigint>();
  readonly byTopic: Record<string, number> = {};
  envelopes = 0;

  constructor(brokers: string, topics: readonly string[], groupId: string) {
    this.#topics = topics;
    const kafka = new Kafka({
      clientId: 'streambridge-soak',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.#consumer = kafka.consumer({ groupId, retry: { retries: 30, maxRetryTime: 5_000 } });
    this.#admin = kafka.admin();
    for (const topic of topics) this.byTopic[topic] = 0;
  }

  get ttlExpired(): number {
    return Object.values(this.byTopic).reduce((a, b) => a + b, 0);
  }

  async start(): Promise<void> {
    await this.#admin.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [...this.#topics], fromBeginning: true });
    await this.#consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = `${batch.topic}/${batch.partition}`;
          const offset = BigInt(message.offset);
          // A batch fetched again after a rebalance or a broker restart is not counted twice.
          if (offset < (this.#next.get(key) ?? 0n)) continue;
          this.#next.set(key, offset + 1n);
          this.envelopes += 1;
          if (message.value?.includes(TTL_MARK))
            this.byTopic[batch.topic] = (this.byTopic[batch.topic] ?? 0) + 1;
        }
      },
    });
  }

  /** Waits until every partition of the topics was read to its end (false when `ms` passed first). */
  async catchUp(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const behind = await this.#behind().catch(() => true);
      if (!behind) return true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return false;
  }

  async #behind(): Promise<boolean> {
    for (const topic of this.#topics) {
      for (const { partition, high, low } of await this.#admin.fetchTopicOffsets(topic)) {
        const next = this.#next.get(`${topic}/${partition}`) ?? 0n;
        // Records the topic's retention removed before they were read are not waited for.
        if ((next > BigInt(low) ? next : BigInt(low)) < BigInt(high)) return true;
      }
    }
    return false;
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect().catch(() => undefined);
    await this.#admin.disconnect().catch(() => undefined);
  }
}
