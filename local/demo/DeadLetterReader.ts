/**
 * Reads the dead-letter and on-failure queues without consuming them: messages are received with a short
 * visibility timeout, remembered by message id and left in the queue (they reappear for whoever inspects
 * the queue after the run). Each read returns every message seen so far.
 *
 * @example
 * ```ts
 * const reader = new DeadLetterReader({ queueUrls, since: startedAt });
 * const { deadLetters, onFailureMessages } = await reader.read();
 * ```
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterMessage } from './types';

export interface DeadLetterReaderOptions {
  readonly queueUrls: readonly string[];
  /** Only on-failure records sent at or after this time (epoch ms) count for this run. */
  readonly since: number;
  readonly sqs?: SQSClient;
}

/** Receives per queue per read, at most (10 messages each). */
const MAX_RECEIVES = 100;
const VISIBILITY_SECONDS = 30;

export class DeadLetterReader {
  readonly #options: DeadLetterReaderOptions;
  readonly #sqs: SQSClient;
  readonly #messages = new Map<string, DeadLetterMessage>();
  readonly #onFailure = new Set<string>();

  constructor(options: DeadLetterReaderOptions) {
    this.#options = options;
    this.#sqs = options.sqs ?? new SQSClient({});
  }

  async read(): Promise<{ deadLetters: DeadLetterMessage[]; onFailureMessages: number }> {
    await Promise.all(this.#options.queueUrls.map((url) => this.#drain(url)));
    return { deadLetters: [...this.#messages.values()], onFailureMessages: this.#onFailure.size };
  }

  close(): void {
    this.#sqs.destroy();
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
