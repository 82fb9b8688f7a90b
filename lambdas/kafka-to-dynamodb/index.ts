/**
 * Lambda entry of the Kafka → DynamoDB sink (MSK or self-managed Kafka event source). The first
 * invocation validates the config slice and creates the DynamoDB client, kept for the execution
 * environment. The endpoint follows the SDK's standard variables (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL`), so the same code runs on AWS, moto and LocalStack (docs/handlers.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { validateDynamoSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_NAMES } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { lazyInit } from '../core/lazyInit';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import type { InvocationContext, KafkaBatchResponse } from '../core/types';

import { createDynamoSinkHandler } from './createDynamoSinkHandler';

const sink = lazyInit(() => {
  const config = loadHandlerConfig(validateDynamoSinkSlice);
  const deadLetters = DeadLetterQueue.fromEnv(HANDLER_NAMES.kafkaToDynamodb);
  return createDynamoSinkHandler({ config, client: new DynamoDBClient({}), deadLetters });
});

export async function handler(event: MSKEvent, context?: InvocationContext): Promise<KafkaBatchResponse> {
  return (await sink.get())(event, context);
}
