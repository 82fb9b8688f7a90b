/**
 * Reads the dead-letter and on-failure queues and the failure-record buckets without consuming them:
 * messages are received with a short visibility timeout, remembered by message id and left in the queue
 * (they reappear for whoever inspects the queue after the run); bucket objects (one per discarded batch)
 * are listed and counted by key. Each read returns every message and failure record seen so far.
 *
 * @example
 * ```ts
 * const reader = new DeadLetterReader({ queueUrls, bucketNames, since: startedAt });
 * const { deadLetters, onFailureMessages } = await reader.read();
 * ```
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterMessage } from './types';

export interface DeadLetterReaderOptions {
  readonly queueUrls: readonly string[];
  /** Only on-failure records sent at or after this time (epoch ms) count for this run. */
  readonly since: number;
  readonly sqs?: SQSClient;
  /** Failure-record buckets (S3 on-failure destinations). */
  readonly bucketNames?: readonly string[];
  readonly s3?: S3Client;
}

/** Receives per queue per read, at most (10 messages each). */
const MAX_RECEIVES = 100;
/** Where Lambda writes event source mapping failure records in a bucket. */
const FAILURE_RECORD_PREFIX = 'aws/lambda/';
const VISIBILITY_SECONDS = 30;

export class DeadLetterReader {
  readonly #options: DeadLetterReaderOptions;
  readonly #sqs: SQSClient;
  readonly #s3: S3Client;
  readonly #messages = new Map<string, DeadLetterMessage>();
  readonly #onFailure = new Set<string>();

  constructor(options: DeadLetterReaderOptions) {
    this.#options = options;
    this.#sqs = options.sqs ?? new SQSClient({});
    this.#s3 = options.s3 ?? new S3Client({ forcePathStyle: true });
  }

  async read(): Promise<{ deadLetters: DeadLetterMessage[]; onFailureMessages: number }> {
    await Promise.all([
      ...this.#options.queueUrls.map((url) => this.#drain(url)),
      ...(this.#options.bucketNames ?? []).map((bucket) => this.#list(bucket)),
    ]);
    return { deadLetters: [...this.#messages.values()], onFailureMessages: this.#onFailure.size };
  }

  close(): void {
    this.#sqs.destroy();
    this.#s3.destroy();
  }

  /** Counts the bucket's failure records written during this run (S3 times are whole seconds). */
  async #list(bucket: string): Promise<void> {
    const since = Math.floor(this.#options.since / 1000) * 1000;
    let token: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: FAILURE_RECORD_PREFIX, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const written = object.LastModified?.getTime() ?? Number.NaN;
        if (object.Key && (!Number.isFinite(written) || written >= since))
          this.#onFailure.add(`s3://${bucket}/${object.Key}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #drain(queueUrl: string): Promise<void> {
    for (let i = 0; i < MAX_RECEIVES; i++) {
      const response = await this.#sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: VISIBILITY_SECONDS,
          WaitTimeSeconds: 0,
        }),
      );
      const messages = response.Messages ?? [];
      if (messages.length === 0) return;
      for (const message of messages) {
        const id = message.MessageId ?? '';
        const body = message.Body ?? '';
        const parsed = parseBody(body);
        if (parsed && 'requestContext' in parsed) {
          const sent = Date.parse(String(parsed.timestamp ?? ''));
          if (!Number.isFinite(sent) || sent >= this.#options.since) this.#onFailure.add(id);
          continue;
        }
        this.#messages.set(id, {
          queueUrl,
          messageId: id,
          body,
          reason: typeof parsed?.reason === 'string' ? parsed.reason : undefined,
          errorType: typeof parsed?.errorType === 'string' ? parsed.errorType : undefined,
          handler: typeof parsed?.handler === 'string' ? parsed.handler : undefined,
        });
      }
    }
  }
}

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
