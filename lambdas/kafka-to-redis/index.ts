/**
 * Lambda entry of the Kafka → Redis/Valkey sink (MSK or self-managed Kafka event source). The first
 * invocation validates the config slice and creates the Redis client (single primary or cluster, TLS and
 * credentials as configured), kept for the execution environment (docs/handlers.md).
 */
import type { MSKEvent } from 'aws-lambda';
import { validateRedisSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_ENV, HANDLER_NAMES } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { KafkaProducerProvider } from '../core/kafka/KafkaProducerProvider';
import { kafkaSettingsFromEnv } from '../core/kafka/kafkaSettingsFromEnv';
import { Logger } from '../core/Logger';
import { lazyInit } from '../core/lazyInit';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import { routeInvocation } from '../core/schedule/routeInvocation';
import type { ScheduledEvent } from '../core/schedule/types';
import type { InvocationContext, KafkaBatchResponse } from '../core/types';
import { createRedisSinkRoutes } from './createRedisSinkHandler';
import { createRedisClient, redisSettingsFromEnv } from './redisConnection';
import { SnsAlertPublisher } from './thresholds/SnsAlertPublisher';

const sink = lazyInit(async () => {
  const config = loadHandlerConfig(validateRedisSinkSlice);
  const deadLetters = DeadLetterQueue.fromEnv(HANDLER_NAMES.kafkaToRedis);
  const settings = redisSettingsFromEnv();
  const logger = new Logger(HANDLER_NAMES.kafkaToRedis);
  const redis = await createRedisClient(settings, {
    connectionName: `streambridge-${HANDLER_NAMES.kafkaToRedis}`,
    onError: (error) => logger.warn('Redis connection error', { error }),
  });
  // Threshold mappings produce their alerts to Kafka; other sinks need no producer.
  const producer = config.mappings.some((mapping) => mapping.operation === 'threshold')
    ? new KafkaProducerProvider({
        settings: kafkaSettingsFromEnv(),
        clientId: HANDLER_NAMES.kafkaToRedis,
        logger,
      })
    : undefined;
  // Threshold mappings with alertSns also publish to SNS; the CDK app names their topics.
  const snsTopicArns = JSON.parse(process.env[HANDLER_ENV.alertSnsTopicArns] || '{}') as Record<
    string,
    string
  >;
  const publishesToSns = config.mappings.some((m) => m.operation === 'threshold' && m.alertSns);
  const { handler: events, timers } = createRedisSinkRoutes({
    config,
    redis,
    cluster: settings.cluster,
    deadLetters,
    logger,
    ...(producer ? { producer } : {}),
    ...(publishesToSns ? { sns: new SnsAlertPublisher(), snsTopicArns } : {}),
  });
  return routeInvocation({ events, timers });
});

/** MSK batches, and the scheduled events of the mappings' timers (docs/handlers.md, "Scheduled invocations"). */
export async function handler(event: MSKEvent, context?: InvocationContext): Promise<KafkaBatchResponse>;
export async function handler(event: ScheduledEvent, context?: InvocationContext): Promise<unknown>;
export async function handler(
  event: MSKEvent | ScheduledEvent,
  context?: InvocationContext,
): Promise<unknown> {
  return (await sink.get())(event as MSKEvent, context);
}
