/**
 * Builds the Kafka → DynamoDB handler from its parts, so the Lambda entry (`index.ts`) wires them from the
 * environment once per execution environment and tests can wire their own (a table per test, a wrapped
 * client for forced throttling).
 *
 * @example
 * ```ts
 * const handler = createDynamoSinkHandler({ config, client: new DynamoDBClient({}), deadLetters });
 * const response = await handler(mskEvent, context); // { batchItemFailures: [...] }
 * ```
 */
import type { Context, MSKEvent } from 'aws-lambda';
import type { DynamoSinkConfig } from '../../config/types';
import type { DeadLetterQueue } from '../core/DeadLetterQueue';
import { Logger } from '../core/Logger';
import { Metrics } from '../core/Metrics';
import { KafkaSinkProcessor } from '../core/sink/KafkaSinkProcessor';
import type { KafkaBatchResponse } from '../core/types';
import { SERVICE_NAME } from './constants';
import { DynamoPartitionSink } from './DynamoPartitionSink';
import type { DynamoSend } from './DynamoRequests';

export interface DynamoSinkHandlerOptions {
  readonly config: DynamoSinkConfig;
  readonly client: DynamoSend;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export type DynamoSinkHandler = (
  event: MSKEvent,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) => Promise<KafkaBatchResponse>;

export function createDynamoSinkHandler(options: DynamoSinkHandlerOptions): DynamoSinkHandler {
  const logger = options.logger ?? new Logger(SERVICE_NAME);
  const metrics = options.metrics ?? new Metrics(SERVICE_NAME);
  const sink = new DynamoPartitionSink({ config: options.config, client: options.client, metrics, logger });
  const processor = new KafkaSinkProcessor({
    name: SERVICE_NAME,
    sink,
    deadLetters: options.deadLetters,
    logger,
    metrics,
  });
  return (event, context) => processor.process(event, context);
}
