/**
 * Lambda entry of the Kafka → DynamoDB sink (MSK or self-managed Kafka event source, and the scheduled
 * rules of its `sessions` mappings). The first invocation validates the config slice and creates the
 * DynamoDB client, kept for the execution environment. The endpoint follows the SDK's standard variables
 * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`), so the same code runs on AWS, moto and LocalStack
 * (docs/handlers.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { validateDynamoSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_NAMES } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { Logger } from '../core/Logger';
import { lazyInit } from '../core/lazyInit';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import { Metrics } from '../core/Metrics';
import { routeInvocation } from '../core/schedule/routeInvocation';
import type { ScheduledEvent } from '../core/schedule/types';
import type { InvocationContext, KafkaBatchResponse } from '../core/types';

import { createDynamoSinkHandler } from './createDynamoSinkHandler';
import { sessionTimers } from './sessions/sessionTimers';

const sink = lazyInit(() => {
  const config = loadHandlerConfig(validateDynamoSinkSlice);
  const deadLetters = DeadLetterQueue.fromEnv(HANDLER_NAMES.kafkaToDynamodb);
  const client = new DynamoDBClient({});
  const logger = new Logger(HANDLER_NAMES.kafkaToDynamodb);
  const metrics = new Metrics(HANDLER_NAMES.kafkaToDynamodb);
  return routeInvocation({
    events: createDynamoSinkHandler({ config, client, deadLetters, logger, metrics }),
    timers: sessionTimers({ config, client, logger, metrics }),
  });
});

export async function handler(event: MSKEvent, context?: InvocationContext): Promise<KafkaBatchResponse>;
export async function handler(event: ScheduledEvent, context?: InvocationContext): Promise<unknown>;
export async function handler(
  event: MSKEvent | ScheduledEvent,
  context?: InvocationContext,
): Promise<unknown> {
  return (await sink.get())(event, context);
}
