/**
 * Wires the Redis sink: the shared Kafka sink loop (decode, dead letters, partial batch response) around a
 * {@link RedisPartitionSink}. `index.ts` calls it once per execution environment with the module-scope
 * client; tests and benchmarks call it with their own client and dead-letter destination.
 *
 * @example
 * ```ts
 * const handle = createRedisSinkHandler({ config, redis, cluster: false, deadLetters });
 * const response = await handle(mskEvent, context); // { batchItemFailures: [...] }
 * ```
 */
import type { Context, MSKEvent } from 'aws-lambda';
import type { RedisSinkConfig } from '../../config/types';
import type { DeadLetterQueue } from '../core/DeadLetterQueue';
import { Logger } from '../core/Logger';
import { Metrics } from '../core/Metrics';
import { KafkaSinkProcessor } from '../core/sink/KafkaSinkProcessor';
import type { KafkaBatchResponse } from '../core/types';
import { SINK_NAME } from './constants';
import { RedisPartitionSink } from './RedisPartitionSink';
import type { RedisClient } from './redisConnection';
import type { ApplyLimits } from './types';

export interface RedisSinkHandlerOptions {
  readonly config: RedisSinkConfig;
  readonly redis: RedisClient;
  readonly cluster: boolean;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly limits?: Partial<ApplyLimits>;
}

export type RedisSinkHandler = (
  event: MSKEvent,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) => Promise<KafkaBatchResponse>;

export function createRedisSinkHandler(options: RedisSinkHandlerOptions): RedisSinkHandler {
  const logger = options.logger ?? new Logger(SINK_NAME);
  const metrics = options.metrics ?? new Metrics(SINK_NAME);
  const sink = new RedisPartitionSink({
    redis: options.redis,
    config: options.config,
    cluster: options.cluster,
    logger,
    metrics,
    limits: options.limits,
  });
  const processor = new KafkaSinkProcessor({
    name: SINK_NAME,
    sink,
    deadLetters: options.deadLetters,
    logger,
    metrics,
  });
  return (event, context) => processor.process(event, context);
}
