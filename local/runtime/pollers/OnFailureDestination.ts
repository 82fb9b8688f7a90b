import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../../lambdas/core/Logger';
import { abortableSleep } from './abortableSleep';
import { POLLER_LIMITS } from './constants';
import type { FailureDestination } from './types';

/**
 * The on-failure destination of one event source mapping: a local SQS queue receiving each invocation
 * record as one message. Without a queue, discarded batches are logged (as AWS drops them silently, the
 * log is the only trace). A send that keeps failing is retried a few times, then the record is logged
 * in full so nothing disappears without a line.
 *
 * @example
 * ```ts
 * const destination = new OnFailureDestination({ sqs, queueUrl, logger, mappingId: 'OrdersMapping' });
 * await destination.send(streamInvocationRecord('kinesis', discarded, where));
 * ```
 */
export class OnFailureDestination implements FailureDestination {
  readonly #sqs: SQSClient | undefined;
  readonly #queueUrl: string | undefined;
  readonly #logger: Logger;
  readonly #mappingId: string;
  readonly #retryDelayMs: number;

  constructor(options: {
    sqs?: SQSClient;
    queueUrl?: string;
    logger: Logger;
    mappingId: string;
    retryDelayMs?: number;
  }) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#logger = options.logger;
    this.#mappingId = options.mappingId;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  get queueUrl(): string | undefined {
    return this.#queueUrl;
  }

  async send(invocationRecord: object): Promise<void> {
    if (!this.#queueUrl || !this.#sqs) {
      this.#logger.warn('records discarded (no on-failure destination)', {
        mapping: this.#mappingId,
        invocationRecord,
      });
      return;
    }
    const body = JSON.stringify(invocationRecord);
    for (let attempt = 1; attempt <= POLLER_LIMITS.destinationSendAttempts; attempt++) {
      try {
        await this.#sqs.send(new SendMessageCommand({ QueueUrl: this.#queueUrl, MessageBody: body }));
        this.#logger.info('records sent to the on-failure destination', {
          mapping: this.#mappingId,
          queueUrl: this.#queueUrl,
          invocationRecord,
        });
        return;
      } catch (error) {
        this.#logger.error('on-failure destination send failed', {
          mapping: this.#mappingId,
          queueUrl: this.#queueUrl,
          attempt,
          error,
        });
        await abortableSleep(this.#retryDelayMs * attempt);
      }
    }
    this.#logger.error('on-failure record not delivered; logged here instead', {
      mapping: this.#mappingId,
      invocationRecord,
    });
  }
}
