/**
 * Kinesis → Kafka: reads the DynamoDB changes a table's Kinesis streaming destination writes, publishes
 * each as the same change envelope the DynamoDB Streams bridge produces, and reports partial batch
 * failures by Kinesis sequence number. The bridge is built once per execution environment.
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(kinesisStreamEvent, context);
 * ```
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { ChangeBridge } from '../core/change-bridge/ChangeBridge';
import { createChangeBridge } from '../core/change-bridge/createChangeBridge';
import { kinesisCarrier } from '../core/change-bridge/kinesisCarrier';
import type { StreamBatchResponse } from '../core/types';

let bridge: ChangeBridge | undefined;

export async function handler(event: KinesisStreamEvent, context?: Context): Promise<StreamBatchResponse> {
  bridge ??= createChangeBridge('kinesis-to-kafka');
  return bridge.process(event.Records ?? [], kinesisCarrier, context);
}
