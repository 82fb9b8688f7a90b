/**
 * Consumer lag of the sinks' consumer groups per topic (high watermark − committed offset, summed over
 * partitions) and how many records each group checkpointed since the run began.
 *
 * @example
 * ```ts
 * const lag = new KafkaLag({ brokers: '127.0.0.1:19092', groups: { redis: ['clickstream'] } });
 * await lag.start();
 * await lag.read(); // [{ group: 'redis', topic: 'clickstream', lag: 12, checkpointed: 4000 }]
 * ```
 */
import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';

export interface LagOptions {
  readonly brokers: string;
  /** Consumer group → topics it reads. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export interface TopicLag {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
  /** Records committed by the group since `start`. */
  readonly checkpointed: number;
}

export class KafkaLag {
  readonly #options: LagOptions;
  readonly #admin: Admin;
  readonly #baseline = new Map<string, number>();

  constructor(options: LagOptions) {
    this.#options = options;
    this.#admin = new Kafka({
      clientId: 'streambridge-demo-lag',
      brokers: options.brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    }).admin();
  }

  async start(): Promise<void> {
    await this.#admin.connect();
    for (const row of await this.#committed()) this.#baseline.set(`${row.group}|${row.topic}`, row.committed);
  }

  async read(): Promise<TopicLag[]> {
    return (await this.#committed()).map((row) => ({
      group: row.group,
      topic: row.topic,
      lag: row.lag,
      checkpointed: row.committed - (this.#baseline.get(`${row.group}|${row.topic}`) ?? 0),
    }));
  }

  async close(): Promise<void> {
    await this.#admin.disconnect().catch(() => undefined);
  }

  async #committed(): Promise<{ group: string; topic: string; committed: number; lag: number }[]> {
    const rows: { group: string; topic: string; committed: number; lag: number }[] = [];
    for (const [group, topics] of Object.entries(this.#options.groups)) {
      const offsets = await this.#admin.fetchOffsets({ groupId: group, topics: [...topics] });
      for (const { topic, partitions } of offsets) {
        const ends = await this.#admin.fetchTopicOffsets(topic);
        let committed = 0;
        let lag = 0;
        for (const end of ends) {
          const mine = partitions.find((p) => p.partition === end.partition);
          const at = mine && Number(mine.offset) >= 0 ? Number(mine.offset) : Number(end.low);
          committed += at;
          lag += Math.max(0, Number(end.high) - at);
        }
        rows.push({ group, topic, committed, lag });
      }
    }
    return rows;
  }
}
