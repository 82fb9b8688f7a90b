/**
 * The dead-letter destination of poison records: an SQS queue receiving one JSON message per bad record
 * with the reason, the record's coordinates and its deterministic id (`deadLetterId`), so a bad record never
 * blocks its shard or partition and is never silently dropped. A payload too large for SQS keeps its first
 * bytes (`payloadTruncated`).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_LIMITS, HANDLER_ENV } from './constants';
import { deadLetterId } from './deadLetterId';
import { requiredEnv } from './handlerEnv';
import { type Lazy, lazyInit } from './lazyInit';
import type { RecordCoordinates } from './types';

export interface DeadLetter {
  readonly reason: string;
  /** A short machine-readable kind: `DecodeError`, `SchemaViolation`, `RecordTooLarge`, ... */
  readonly errorType: string;
  readonly coordinates: RecordCoordinates;
  /** The original record bytes (or text). */
  readonly payload?: Buffer | string | null;
  readonly key?: Buffer | string | null;
  readonly details?: Record<string, unknown>;
}

export class DeadLetterSendError extends Error {
  readonly failed: readonly DeadLetter[];

  constructor(failed: readonly DeadLetter[], cause: string) {
    super(`could not dead-letter ${failed.length} record(s): ${cause}`);
    this.name = 'DeadLetterSendError';
    this.failed = failed;
  }
}

function payloadFields(
  prefix: string,
  value: Buffer | string | null | undefined,
  limit: number,
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const kept = bytes.subarray(0, limit);
  const text = kept.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(kept);
  return {
    [isText ? prefix : `${prefix}Base64`]: isText ? text : kept.toString('base64'),
    [`${prefix}Bytes`]: bytes.length,
    ...(bytes.length > limit ? { [`${prefix}Truncated`]: true } : {}),
  };
}

/** The JSON body of a dead-letter message. Exported for tests and for tools reading the queue. */
export function deadLetterBody(letter: DeadLetter, handler: string, now = Date.now()): string {
  return JSON.stringify({
    deadLetterId: deadLetterId(letter.coordinates),
    reason: letter.reason,
    errorType: letter.errorType,
    handler,
    coordinates: letter.coordinates,
    deadLetteredAt: new Date(now).toISOString(),
    ...(letter.details ? { details: letter.details } : {}),
    ...payloadFields('key', letter.key, DEAD_LETTER_LIMITS.maxKeyBytes),
    ...payloadFields('payload', letter.payload, DEAD_LETTER_LIMITS.maxPayloadBytes),
  });
}

type SqsModule = typeof import('@aws-sdk/client-sqs');

/**
 * Sends dead letters in batches of 10, retrying what SQS refuses; the SQS client is loaded on the first send.
 *
 * @example
 * ```ts
 * const dlq = DeadLetterQueue.fromEnv('kafka-to-redis'); // DEAD_LETTER_QUEUE_URL
 * await dlq.send([{ reason: 'bad JSON', errorType: 'DecodeError', coordinates, payload }]);
 * ```
 */
export class DeadLetterQueue {
  readonly #queueUrl: string;
  readonly #handler: string;
  /** The SQS module and client, loaded once, on the first send (a failed load is tried again later). */
  readonly #sqs: Lazy<{ readonly module: SqsModule; readonly client: SQSClient }>;

  /**
   * The queue named by `DEAD_LETTER_QUEUE_URL`: a handler cannot run without one, so a missing variable
   * fails with a `ConfigError` naming it.
   */
  static fromEnv(handler: string, env: NodeJS.ProcessEnv = process.env): DeadLetterQueue {
    return new DeadLetterQueue({ queueUrl: requiredEnv(HANDLER_ENV.deadLetterQueueUrl, env), handler });
  }

  constructor(options: { queueUrl: string; handler: string; client?: SQSClient }) {
    if (!options.queueUrl)
      throw new Error('DeadLetterQueue: queueUrl is required (set DEAD_LETTER_QUEUE_URL)');
    this.#queueUrl = options.queueUrl;
    this.#handler = options.handler;
    const injected = options.client;
    this.#sqs = lazyInit(async () => {
      const module = await import('@aws-sdk/client-sqs');
      return { module, client: injected ?? new module.SQSClient({}) };
    });
  }

  get queueUrl(): string {
    return this.#queueUrl;
  }

  /** Sends every letter or throws {@link DeadLetterSendError} naming those that could not be sent. */
  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const chunks: DeadLetter[][] = [];
    for (let i = 0; i < letters.length; i += DEAD_LETTER_LIMITS.entriesPerRequest)
      chunks.push(letters.slice(i, i + DEAD_LETTER_LIMITS.entriesPerRequest));
    const results = await Promise.all(chunks.map((chunk) => this.#sendChunk(chunk)));
    const failed = results.flatMap((r) => r.failed);
    if (failed.length > 0)
      throw new DeadLetterSendError(failed, results.find((r) => r.cause)?.cause ?? 'unknown');
  }

  async #sendChunk(chunk: DeadLetter[]): Promise<{ failed: DeadLetter[]; cause?: string }> {
    let pending = chunk;
    let cause = '';
    for (let attempt = 1; attempt <= DEAD_LETTER_LIMITS.maxAttempts && pending.length > 0; attempt++) {
      try {
        const { module, client } = await this.#sqs.get();
        const response = await client.send(
          new module.SendMessageBatchCommand({
            QueueUrl: this.#queueUrl,
            Entries: pending.map((letter, i) => ({
              Id: String(i),
              MessageBody: deadLetterBody(letter, this.#handler),
              MessageAttributes: {
                deadLetterId: { DataType: 'String', StringValue: deadLetterId(letter.coordinates) },
                errorType: { DataType: 'String', StringValue: letter.errorType },
                handler: { DataType: 'String', StringValue: this.#handler },
              },
            })),
          }),
        );
        const failedIds = new Set((response.Failed ?? []).map((f) => f.Id));
        cause = (response.Failed ?? []).map((f) => f.Message ?? f.Code).join('; ');
        pending = pending.filter((_, i) => failedIds.has(String(i)));
      } catch (error) {
        cause = error instanceof Error ? error.message : String(error);
      }
      if (pending.length > 0 && attempt < DEAD_LETTER_LIMITS.maxAttempts)
        await new Promise((r) => setTimeout(r, DEAD_LETTER_LIMITS.retryBaseMs * 2 ** attempt));
    }
    return { failed: pending, cause };
  }
}
