import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../../lambdas/core/Logger';
import { abortableSleep } from './abortableSleep';
import { POLLER_LIMITS } from './constants';
import { failureRecordKey } from './failureRecordKey';
import type { FailedBatch, FailureDestination } from './types';

/**
 * The on-failure destination of one event source mapping, as AWS serves it: an S3 bucket receives each
 * discarded batch as one object holding the invocation record plus the whole event (`payload`); an SQS
 * queue receives the invocation record only (metadata). Without either, discarded batches are logged (AWS
 * drops them silently; the log is the only trace). A write that keeps failing is retried a few times, then
 * the record is logged in full so nothing disappears without a line. The format is in docs/local-runtime.md.
 *
 * @example
 * ```ts
 * const destination = new OnFailureDestination({ s3, bucketName, logger, mappingId: 'OrdersMapping' });
 * await destination.send({ invocationRecord, shardId, event });
 * ```
 */
export class OnFailureDestination implements FailureDestination {
  readonly #sqs: SQSClient | undefined;
  readonly #queueUrl: string | undefined;
  readonly #s3: S3Client | undefined;
  readonly #bucketName: string | undefined;
  readonly #logger: Logger;
  readonly #mappingId: string;
  readonly #retryDelayMs: number;

  constructor(options: {
    sqs?: SQSClient;
    queueUrl?: string;
    s3?: S3Client;
    bucketName?: string;
    logger: Logger;
    mappingId: string;
    retryDelayMs?: number;
  }) {
    this.#sqs = options.sqs;
    this.#queueUrl = options.queueUrl;
    this.#s3 = options.s3;
    this.#bucketName = options.bucketName;
    this.#logger = options.logger;
    this.#mappingId = options.mappingId;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  get queueUrl(): string | undefined {
    return this.#queueUrl;
  }

  get bucketName(): string | undefined {
    return this.#bucketName;
  }

  async send(failed: FailedBatch): Promise<void> {
    const { invocationRecord } = failed;
    if (this.#s3 && this.#bucketName) {
      const s3 = this.#s3;
      const bucket = this.#bucketName;
      const timestamp = (invocationRecord as { timestamp?: string }).timestamp;
      const key = failureRecordKey(
        this.#mappingId,
        failed.shardId,
        timestamp ? new Date(timestamp) : new Date(),
      );
      // AWS stores the event as a JSON string in `payload`, next to the metadata.
      const body = JSON.stringify({ ...invocationRecord, payload: JSON.stringify(failed.event) });
      await this.#deliver({ bucket, key }, invocationRecord, () =>
        s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
        ),
      );
      return;
    }
    if (this.#sqs && this.#queueUrl) {
      const sqs = this.#sqs;
      const queueUrl = this.#queueUrl;
      const body = JSON.stringify(invocationRecord);
      await this.#deliver({ queueUrl }, invocationRecord, () =>
        sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })),
      );
      return;
    }
    this.#logger.warn('records discarded (no on-failure destination)', {
      mapping: this.#mappingId,
      invocationRecord,
    });
  }

  async #deliver(target: object, invocationRecord: object, write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; attempt <= POLLER_LIMITS.destinationSendAttempts; attempt++) {
      try {
        await write();
        this.#logger.info('records sent to the on-failure destination', {
          mapping: this.#mappingId,
          ...target,
          invocationRecord,
        });
        return;
      } catch (error) {
        this.#logger.error('on-failure destination send failed', {
          mapping: this.#mappingId,
          ...target,
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
