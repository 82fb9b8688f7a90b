/**
 * The setup every change bridge integration test shares: a source table with its stream on moto, a
 * dead-letter queue, a topic on Kafka, and the bridge's environment pointing at them; all removed after the
 * file.
 */
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import type { SourceTableConfig, TopicConfig } from '../../../config/types';
import {
  bridgeEnvironment,
  type Clients,
  clients,
  createQueue,
  createSourceTable,
  createTopics,
  deleteQueue,
  deleteSourceTable,
  deleteTopics,
  localKafka,
  type SourceTable,
  uniqueName,
} from './cdcTestKit';

export interface CdcBridgeOptions {
  /** The source table: name prefix, string partition key, optional sort key. */
  readonly table: { prefix: string; partitionKey: string; sortKey?: { name: string; type: 'S' | 'N' } };
  /** The topic: name prefix and partitions; `maxMessageBytes` is set on the broker's topic and in the config. */
  readonly topic: { prefix: string; partitions: number; maxMessageBytes?: number };
  /** Source settings beyond its table, keys and topic (governance, kafkaKey). */
  readonly source?: Partial<SourceTableConfig>;
  /** Unset: each handler names itself in the lineage header. */
  readonly functionName?: string;
  /**
   * The address of a private broker, read once the caller's own `beforeAll` (registered before this
   * fixture) started it. Its owner removes the broker with its topics, so the fixture leaves them.
   */
  readonly brokers?: () => string;
}

/** A change bridge's resources; read them from tests and hooks, after the fixture started. */
export class CdcBridgeFixture {
  readonly aws: Clients = clients();
  readonly topic: string;
  readonly #options: CdcBridgeOptions;
  #kafka: Kafka | undefined;
  #table: SourceTable | undefined;
  #queueUrl: string | undefined;
  #source: SourceTableConfig | undefined;

  constructor(options: CdcBridgeOptions) {
    this.#options = options;
    this.topic = uniqueName(options.topic.prefix);
    if (!options.brokers) this.#kafka = localKafka();
  }

  get kafka(): Kafka {
    return this.#started(this.#kafka, 'kafka');
  }

  get table(): SourceTable {
    return this.#started(this.#table, 'table');
  }

  get queueUrl(): string {
    return this.#started(this.#queueUrl, 'queueUrl');
  }

  /** The source as the bridge's config slice holds it. */
  get source(): SourceTableConfig {
    return this.#started(this.#source, 'source');
  }

  async start(): Promise<void> {
    const { table, topic, brokers } = this.#options;
    const privateBrokers = brokers?.();
    if (privateBrokers) this.#kafka = localKafka(privateBrokers);
    this.#table = await createSourceTable(this.aws, table.prefix, table.partitionKey, table.sortKey);
    this.#queueUrl = await createQueue(this.aws);
    const { maxMessageBytes } = topic;
    await createTopics(this.kafka, [
      {
        topic: this.topic,
        numPartitions: topic.partitions,
        ...(maxMessageBytes
          ? { configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }] }
          : {}),
      },
    ]);
    this.#source = {
      name: this.#table.name,
      partitionKey: { name: table.partitionKey, type: 'S' },
      ...(table.sortKey ? { sortKey: table.sortKey } : {}),
      topic: this.topic,
      ...this.#options.source,
    };
    const topics: TopicConfig[] = [
      { name: this.topic, partitions: topic.partitions, ...(maxMessageBytes ? { maxMessageBytes } : {}) },
    ];
    // Several bridges of one file may run in this process: without a function name, each names itself.
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    Object.assign(
      process.env,
      bridgeEnvironment({
        slice: { sources: [this.#source], topics },
        queueUrl: this.#queueUrl,
        functionName: this.#options.functionName,
        brokers: privateBrokers,
      }),
    );
  }

  async stop(): Promise<void> {
    if (!this.#options.brokers && this.#kafka) await deleteTopics(this.#kafka, [this.topic]);
    if (this.#table) await deleteSourceTable(this.aws, this.#table);
    if (this.#queueUrl) await deleteQueue(this.aws, this.#queueUrl);
  }

  #started<T>(value: T | undefined, name: string): T {
    if (value === undefined) throw new Error(`CdcBridgeFixture: ${name} read before the fixture started`);
    return value;
  }
}

/**
 * A {@link CdcBridgeFixture} started before the tests of the calling `describe` and stopped after them.
 *
 * @example
 * ```ts
 * const bridge = useCdcBridge({
 *   table: { prefix: 'sb-orders', partitionKey: 'orderId' },
 *   topic: { prefix: 'sb-orders-changes', partitions: 3 },
 *   functionName: 'sb-ddb-stream-to-kafka',
 * });
 * // in a test: writeItems(bridge.aws, bridge.table.name, …); readTopic(bridge.kafka, bridge.topic, n)
 * ```
 */
export function useCdcBridge(options: CdcBridgeOptions): CdcBridgeFixture {
  const fixture = new CdcBridgeFixture(options);
  beforeAll(() => fixture.start());
  afterAll(() => fixture.stop());
  return fixture;
}
