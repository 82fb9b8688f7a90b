/**
 * The Kafka → DynamoDB sink handler: the shared Kafka sink handler around a {@link DynamoPartitionSink}.
 * `index.ts` builds it once per execution environment with its client; tests wire their own (a table per
 * test, a wrapped client for forced throttling).
 */
import type { DynamoSinkConfig } from '../../config/types';
import { HANDLER_NAMES } from '../core/constants';
import type { DeadLetterQueue } from '../core/DeadLetterQueue';
import type { Logger } from '../core/Logger';
import type { Metrics } from '../core/Metrics';
import type { KafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';
import { createKafkaSinkHandler } from '../core/sink/createKafkaSinkHandler';

import { DynamoPartitionSink } from './DynamoPartitionSink';
import type { DynamoSend } from './DynamoRequests';

export interface DynamoSinkHandlerOptions {
  readonly config: DynamoSinkConfig;
  /** A DynamoDBClient created once per execution environment (or anything with its `send`). */
  readonly client: DynamoSend;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

/**
 * The Kafka → DynamoDB handler around its own client and dead-letter destination.
 *
 * @example
 * ```ts
 * const handle = createDynamoSinkHandler({ config, client: new DynamoDBClient({}), deadLetters });
 * const response = await handle(mskEvent, context); // { batchItemFailures: [...] }
 * ```
 */
export function createDynamoSinkHandler(options: DynamoSinkHandlerOptions): KafkaSinkHandler {
  const { config, client } = options;
  return createKafkaSinkHandler({
    name: HANDLER_NAMES.kafkaToDynamodb,
    sink: ({ logger, metrics }) => new DynamoPartitionSink({ config, client, logger, metrics }),
    deadLetters: options.deadLetters,
    logger: options.logger,
    metrics: options.metrics,
  });
}
