/**
 * DynamoDB Streams → Kafka: publishes each item-level change of the configured tables as a change
 * envelope on the table's topic and reports partial batch failures by stream sequence number. The bridge
 * is built on the first invocation and kept for the execution environment (docs/handlers.md).
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createChangeBridge } from '../core/change-bridge/createChangeBridge';
import { dynamoDbStreamCarrier } from '../core/change-bridge/dynamoDbStreamCarrier';
import { HANDLER_NAMES } from '../core/constants';
import { withGovernanceSalt } from '../core/governanceSalt';
import { lazyInit } from '../core/lazyInit';
import type { InvocationContext, StreamBatchResponse } from '../core/types';

const bridge = lazyInit(async () =>
  createChangeBridge(HANDLER_NAMES.ddbStreamToKafka, await withGovernanceSalt(process.env)),
);

export async function handler(
  event: DynamoDBStreamEvent,
  context?: InvocationContext,
): Promise<StreamBatchResponse> {
  return (await bridge.get()).process(event.Records ?? [], dynamoDbStreamCarrier, context);
}
