/**
 * The Kafka → Redis sink handler: the shared Kafka sink handler around a {@link RedisPartitionSink}.
 * `index.ts` builds it once per execution environment with its client; tests and benchmarks with theirs.
 */
import type { RedisSinkConfig } from '../../config/types';
import { HANDLER_NAMES } from '../core/constants';
import type { DeadLetterQueue } from '../core/DeadLetterQueue';
import type { Logger } from '../core/Logger';
import { Metrics } from '../core/Metrics';
import type { TimerHandler } from '../core/schedule/types';
import type { KafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';
import { createKafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';
import { RedisPartitionSink } from './RedisPartitionSink';
import type { RedisClient } from './redisConnection';
import type { AlertPublisher } from './thresholds/SnsAlertPublisher';
import { type AlertProducer, ThresholdEngine } from './thresholds/ThresholdEngine';
import { withThresholds } from './thresholds/withThresholds';
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
  /** Where threshold mappings produce their alerts; required when the config has threshold mappings. */
  readonly producer?: AlertProducer;
  /** Where threshold mappings with `alertSns` publish; required when one has it. */
  readonly sns?: AlertPublisher;
  /** Mapping name → its SNS topic ARN (`ALERT_SNS_TOPIC_ARNS`). */
  readonly snsTopicArns?: Readonly<Record<string, string>>;
}

/** The sink's handler and the timers of its mappings that have one (threshold silence sweeps). */
export interface RedisSinkRoutes {
  readonly handler: KafkaSinkHandler;
  readonly timers: Readonly<Record<string, TimerHandler>>;
}

/**
 * The Kafka → Redis handler and the timers of its mappings, for `routeInvocation`.
 *
 * @example
 * ```ts
 * const { handler, timers } = createRedisSinkRoutes({ config, redis, cluster: false, deadLetters, producer });
 * export const entry = routeInvocation({ events: handler, timers });
 * ```
 */
export function createRedisSinkRoutes(options: RedisSinkHandlerOptions): RedisSinkRoutes {
  const { config, redis, cluster, limits } = options;
  // One metrics object for the batches and the alert flushes (a sweep's flush included).
  const metrics = options.metrics ?? new Metrics(HANDLER_NAMES.kafkaToRedis);
  const hasThresholds = config.mappings.some((mapping) => mapping.operation === 'threshold');
  if (hasThresholds && !options.producer) {
    throw new Error('threshold mappings produce alerts: the Redis sink needs a Kafka producer');
  }
  const thresholds =
    hasThresholds && options.producer
      ? new ThresholdEngine({
          redis,
          config,
          producer: options.producer,
          metrics,
          ...(options.logger ? { logger: options.logger } : {}),
          ...(options.sns ? { sns: options.sns } : {}),
          ...(options.snsTopicArns ? { snsTopicArns: options.snsTopicArns } : {}),
        })
      : undefined;
  const handler = createKafkaSinkHandler({
    name: HANDLER_NAMES.kafkaToRedis,
    sink: ({ logger, metrics }) => {
      const writes = new RedisPartitionSink({ redis, config, cluster, logger, metrics, limits });
      return thresholds ? withThresholds(writes, thresholds) : writes;
    },
    deadLetters: options.deadLetters,
    logger: options.logger,
    metrics,
  });
  const timers: Record<string, TimerHandler> = {};
  for (const name of thresholds?.sweptMappings ?? []) {
    timers[name] = async () => {
      try {
        return await (thresholds as ThresholdEngine).sweep(name, Date.now());
      } finally {
        metrics.flush();
      }
    };
  }
  return { handler, timers };
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
  return createRedisSinkRoutes(options).handler;
}
