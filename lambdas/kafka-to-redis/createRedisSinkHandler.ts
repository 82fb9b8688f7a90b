/**
 * The Kafka → Redis sink handler: the shared Kafka sink handler around a {@link RedisPartitionSink}.
 * `index.ts` builds it once per execution environment with its client; tests and benchmarks with theirs.
 */
import type { RedisSinkConfig } from '../../config/types';
import { HANDLER_NAMES } from '../core/constants';
import type { DeadLetterQueue } from '../core/DeadLetterQueue';
import type { Logger } from '../core/Logger';
import type { Metrics } from '../core/Metrics';
import type { KafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';
import { createKafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';
import { RedisPartitionSink } from './RedisPartitionSink';
import type { RedisClient } from './redisConnection';
import type { ApplyLimits } from './types';

export interface RedisSinkHandlerOptions {
  readonly config: RedisSinkConfig;
  readonly redis: RedisClient;
  /** Cluster mode: one script call per hash slot, watermarks per slot. */
  readonly cluster: boolean;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly limits?: Partial<ApplyLimits>;
}

/**
 * The Kafka → Redis handler around its own client and dead-letter destination.
 *
 * @example
 * ```ts
 * const handle = createRedisSinkHandler({ config, redis, cluster: false, deadLetters });
 * const response = await handle(mskEvent, context); // { batchItemFailures: [...] }
 * ```
 */
export function createRedisSinkHandler(options: RedisSinkHandlerOptions): KafkaSinkHandler {
  const { config, redis, cluster, limits } = options;
  return createKafkaSinkHandler({
    name: HANDLER_NAMES.kafkaToRedis,
    sink: ({ logger, metrics }) =>
      new RedisPartitionSink({ redis, config, cluster, logger, metrics, limits }),
    deadLetters: options.deadLetters,
    logger: options.logger,
    metrics: options.metrics,
  });
}
