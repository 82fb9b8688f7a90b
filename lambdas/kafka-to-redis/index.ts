/**
 * Lambda entry of the Kafka → Redis/Valkey sink (MSK or self-managed Kafka event source). The first
 * invocation validates the config slice and creates the Redis client (single primary or cluster, TLS and
 * credentials as configured), kept for the execution environment (docs/handlers.md).
 */
import type { MSKEvent } from 'aws-lambda';
import { validateRedisSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_NAMES } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { Logger } from '../core/Logger';
import { lazyInit } from '../core/lazyInit';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import type { InvocationContext, KafkaBatchResponse } from '../core/types';
import { createRedisSinkHandler } from './createRedisSinkHandler';
import { createRedisClient, redisSettingsFromEnv } from './redisConnection';

const sink = lazyInit(async () => {
  const config = loadHandlerConfig(validateRedisSinkSlice);
  const deadLetters = DeadLetterQueue.fromEnv(HANDLER_NAMES.kafkaToRedis);
  const settings = redisSettingsFromEnv();
  const logger = new Logger(HANDLER_NAMES.kafkaToRedis);
  const redis = await createRedisClient(settings, {
    connectionName: `streambridge-${HANDLER_NAMES.kafkaToRedis}`,
    onError: (error) => logger.warn('Redis connection error', { error }),
  });
  return createRedisSinkHandler({ config, redis, cluster: settings.cluster, deadLetters, logger });
});

export async function handler(event: MSKEvent, context?: InvocationContext): Promise<KafkaBatchResponse> {
  return (await sink.get())(event, context);
}
