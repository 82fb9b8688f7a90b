/**
 * DynamoDB Streams → Kafka: publishes each item-level change of the configured tables as a change
 * envelope on the table's topic, keyed by the item's partition key, and reports partial batch failures by
 * stream sequence number. The bridge (config, Kafka producer, dead-letter queue) is built once per
 * execution environment, on the first invocation.
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(dynamoDbStreamEvent, context);
 * ```
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import type { ChangeBridge } from '../core/change-bridge/ChangeBridge';
import { createChangeBridge } from '../core/change-bridge/createChangeBridge';
import { dynamoDbStreamCarrier } from '../core/change-bridge/dynamoDbStreamCarrier';
import type { StreamBatchResponse } from '../core/types';

let bridge: ChangeBridge | undefined;

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<StreamBatchResponse> {
  bridge ??= createChangeBridge('ddb-stream-to-kafka');
  return bridge.process(event.Records ?? [], dynamoDbStreamCarrier, context);
}
