/**
 * Reads the threshold mapping's alert topic for the verifier, as a consumer of the alerts would: from the
 * beginning, every message kept for the run's devices in partition order, with its alert id header. A read
 * first waits (bounded) until the consumer has reached the topic's end as it was when the read began.
 *
 * @example
 * ```ts
 * const alerts = new AlertReader({ brokers: '127.0.0.1:19092', topic: 'device-alerts', keyPrefix: 'sensor-k3x9p-' });
 * await alerts.start();
 * const messages = await alerts.read();
 * ```
 */
import type { Admin, Consumer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { ALERT_ID_HEADER } from '../../lambdas/kafka-to-redis/thresholds/constants';
import type { ObservedAlert } from './types';

export interface AlertReaderOptions {
  readonly brokers: string;
  readonly topic: string;
  /** Only messages whose key starts with it are kept (the run's devices). */
  readonly keyPrefix: string;
  /** Longest a read waits for the consumer to reach the topic's end. Default 15 s. */
  readonly catchUpMs?: number;
}

const POLL_MS = 50;

export class AlertReader {
  readonly #options: AlertReaderOptions;
  readonly #admin: Admin;
  readonly #consumer: Consumer;
  readonly #messages: ObservedAlert[] = [];
  /** Partition → offset of the last message consumed (kept or not). */
  readonly #positions = new Map<number, number>();

  constructor(options: AlertReaderOptions) {
    this.#options = options;
    const kafka = new Kafka({
      clientId: 'streambridge-demo-alerts',
      brokers: options.brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
    this.#admin = kafka.admin();
    // A group of its own, never committed: every read starts from the topic's beginning.
    this.#consumer = kafka.consumer({
      groupId: `streambridge-demo-alerts-${options.keyPrefix}${Date.now()}`,
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.#admin.connect(), this.#consumer.connect()]);
    await this.#consumer.subscribe({ topic: this.#options.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.#positions.set(partition, Number(message.offset));
        const key = message.key?.toString() ?? '';
        if (!key.startsWith(this.#options.keyPrefix)) return;
        const alert = JSON.parse(message.value?.toString() ?? '{}') as Partial<ObservedAlert>;
        this.#messages.push({
          id: message.headers?.[ALERT_ID_HEADER]?.toString() ?? '',
          key,
          seq: Number(alert.seq),
          from: String(alert.from),
          to: String(alert.to),
          at: Number(alert.at),
          value: Number(alert.value),
        });
      },
    });
  }

  /** The run's alert messages so far, once the consumer reached the topic's current end (or the wait ran out). */
  async read(): Promise<readonly ObservedAlert[]> {
    const ends = await this.#admin.fetchTopicOffsets(this.#options.topic);
    const deadline = Date.now() + (this.#options.catchUpMs ?? 15_000);
    const behind = () =>
      ends.some(
        (end) =>
          Number(end.high) > Number(end.low) &&
          (this.#positions.get(end.partition) ?? -1) < Number(end.high) - 1,
      );
    while (behind()) {
      if (Date.now() >= deadline)
        throw new Error(`the alert topic ${this.#options.topic} was not read to its end`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return [...this.#messages];
  }

  async close(): Promise<void> {
    await Promise.all([
      this.#consumer.disconnect().catch(() => undefined),
      this.#admin.disconnect().catch(() => undefined),
    ]);
  }
}
