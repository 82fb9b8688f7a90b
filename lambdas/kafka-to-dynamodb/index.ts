/**
 * Lambda entry of the Kafka → DynamoDB sink (MSK or self-managed Kafka event source). At cold start it
 * validates its config slice (`STREAMBRIDGE_CONFIG`) and creates one DynamoDB client and one dead-letter
 * queue client, reused by every invocation of the execution environment. The DynamoDB endpoint follows the
 * SDK's standard variables (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`), so the same code runs on AWS,
 * on the local moto server and on LocalStack.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { validateDynamoSinkSlice } from '../../config/validatePipelineConfig';
import { HANDLER_ENV } from '../core/constants';
import { DeadLetterQueue } from '../core/DeadLetterQueue';
import { loadHandlerConfig } from '../core/loadHandlerConfig';
import { SERVICE_NAME } from './constants';
import { createDynamoSinkHandler } from './createDynamoSinkHandler';

const config = loadHandlerConfig(validateDynamoSinkSlice);
const client = new DynamoDBClient({});
const deadLetters = new DeadLetterQueue({
  queueUrl: process.env[HANDLER_ENV.deadLetterQueueUrl] ?? '',
  handler: SERVICE_NAME,
});

export const handler = createDynamoSinkHandler({ config, client, deadLetters });
