/**
 * The one factory of Kafka sink handlers: the shared batch loop ({@link KafkaSinkProcessor}: decode, dead
 * letters, partial batch response) around the partition sink a sink brings (docs/handlers.md, "Sink loop").
 */
import type { MSKEvent } from 'aws-lambda';
import type { DeadLetterQueue } from '../DeadLetterQueue';
import { Logger } from '../Logger';
import { Metrics } from '../Metrics';
import type { InvocationContext, KafkaBatchResponse } from '../types';
import type { PartitionSink } from './KafkaSinkProcessor';
import { KafkaSinkProcessor } from './KafkaSinkProcessor';

/** A Kafka sink's handler: one MSK (or self-managed Kafka) batch in, the partial batch response out. */
export type KafkaSinkHandler = (event: MSKEvent, context?: InvocationContext) => Promise<KafkaBatchResponse>;

/** The logs and metrics a handler shares with its partition sink. */
export interface SinkObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface KafkaSinkHandlerOptions {
  /** The handler's name in logs, metrics (`Service`) and dead letters. */
  readonly name: string;
  /** Builds the sink's own part, once: what it does with one partition's events. */
  readonly sink: (observability: SinkObservability) => PartitionSink;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  /** Default: a logger and EMF metrics named `name`, written to stdout. */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

/**
 * A Kafka sink handler: the shared batch loop around the partition sink `options.sink` builds.
 *
 * @example
 * ```ts
 * const handle = createKafkaSinkHandler({
 *   name: 'kafka-to-redis',
 *   sink: ({ logger, metrics }) => new RedisPartitionSink({ redis, config, cluster: false, logger, metrics }),
 *   deadLetters,
 * });
 * const { batchItemFailures } = await handle(mskEvent, context);
 * ```
 */
export function createKafkaSinkHandler(options: KafkaSinkHandlerOptions): KafkaSinkHandler {
  const logger = options.logger ?? new Logger(options.name);
  const metrics = options.metrics ?? new Metrics(options.name);
  const processor = new KafkaSinkProcessor({
    name: options.name,
    sink: options.sink({ logger, metrics }),
    deadLetters: options.deadLetters,
    logger,
    metrics,
  });
  return (event, context) => processor.process(event, context);
}
