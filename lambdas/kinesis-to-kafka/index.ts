/**
 * Kinesis → Kafka: publishes each DynamoDB change that a table's Kinesis streaming destination wrote as
 * the same change envelope the DynamoDB Streams bridge produces, and reports partial batch failures by
 * Kinesis sequence number. The bridge is built on the first invocation (docs/handlers.md).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { createChangeBridge } from '../core/change-bridge/createChangeBridge';
import { kinesisCarrier } from '../core/change-bridge/kinesisCarrier';
import { HANDLER_NAMES } from '../core/constants';
import { withGovernanceSalt } from '../core/governanceSalt';
import { lazyInit } from '../core/lazyInit';
import type { InvocationContext, StreamBatchResponse } from '../core/types';

const bridge = lazyInit(async () =>
  createChangeBridge(HANDLER_NAMES.kinesisToKafka, await withGovernanceSalt(process.env)),
);

export async function handler(
  event: KinesisStreamEvent,
  context?: InvocationContext,
): Promise<StreamBatchResponse> {
  return (await bridge.get()).process(event.Records ?? [], kinesisCarrier, context);
}
