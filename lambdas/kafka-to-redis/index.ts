/**
 * Lambda entry of the Kafka → Redis/Valkey sink (MSK or self-managed Kafka event source).
 *
 * Cold start: the config slice (`STREAMBRIDGE_CONFIG`) is validated and the mappings compiled; the Redis
 * client (single primary or cluster, TLS and credentials from Secrets Manager as configured) is created
 * once and reused by every invocation of this execution environment. A failed initialisation is retried
 * by the next invocation rather than cached.
 */
import type { Context, MSKEvent } from 'aws-lambda';
import { validateRedisSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_ENV } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { Logger } from '../core/Logger';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import { Metrics } from '../core/Metrics';
import type { KafkaBatchResponse } from '../core/types';
import { SINK_NAME } from './constants';
import type { RedisSinkHandler } from './createRedisSinkHandler';
import { createRedisSinkHandler } from './createRedisSinkHandler';
import { createRedisClient, redisSettingsFromEnv } from './redisConnection';

const logger = new Logger(SINK_NAME);
const metrics = new Metrics(SINK_NAME);
const config = loadHandlerConfig(validateRedisSinkSlice);
const settings = redisSettingsFromEnv();
const deadLetters = new DeadLetterQueue({
  queueUrl: process.env[HANDLER_ENV.deadLetterQueueUrl] ?? '',
  handler: SINK_NAME,
});
let ready: Promise<RedisSinkHandler> | undefined;

async function initialise(): Promise<RedisSinkHandler> {
  const redis = await createRedisClient(settings, {
    connectionName: `streambridge-${SINK_NAME}`,
    onError: (error) => logger.warn('Redis connection error', { error }),
  });
  return createRedisSinkHandler({ config, redis, cluster: settings.cluster, deadLetters, logger, metrics });
}

export async function handler(event: MSKEvent, context: Context): Promise<KafkaBatchResponse> {
  ready ??= initialise().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
}
