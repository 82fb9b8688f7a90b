/**
 * A real SQS queue on the local moto server as a sink's dead-letter destination, and a bounded reader of
 * the letters that reached it (parsed JSON bodies), for any sink's integration tests.
 *
 * @example
 * ```ts
 * const dlq = await SqsDeadLetterQueue.create('redis-sink', 'kafka-to-redis');
 * const handler = createHandler({ deadLetters: dlq.queue });
 * const letters = await dlq.receive(3); // waits (bounded) until 3 letters arrived
 * await dlq.delete();
 * ```
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DeadLetterQueue } from '../../../lambdas/core/DeadLetterQueue';
import { awsClientConfig } from '../serviceEnv';

/** A dead letter as the queue holds it (see `deadLetterBody`). */
export interface ReceivedDeadLetter {
  readonly reason: string;
  readonly errorType: string;
  readonly handler: string;
  readonly coordinates: Record<string, unknown>;
  readonly payload?: string;
  readonly [field: string]: unknown;
}

export class SqsDeadLetterQueue {
  readonly queue: DeadLetterQueue;
  readonly queueUrl: string;
  readonly #sqs: SQSClient;

  private constructor(sqs: SQSClient, queueUrl: string, handler: string) {
    this.#sqs = sqs;
    this.queueUrl = queueUrl;
    this.queue = new DeadLetterQueue({ queueUrl, handler, client: sqs });
  }

  /** Creates a queue named `<prefix>-<uuid>`. */
  static async create(prefix: string, handler: string): Promise<SqsDeadLetterQueue> {
    const sqs = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
    const created = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${randomUUID()}` }));
    return new SqsDeadLetterQueue(sqs, created.QueueUrl as string, handler);
  }

  /**
   * Receives (and deletes) letters until `count` arrived or `timeoutMs` passed; returns what arrived, so a
   * test can assert that no more than the expected letters came.
   */
  async receive(count: number, timeoutMs = 15_000): Promise<ReceivedDeadLetter[]> {
    const letters: ReceivedDeadLetter[] = [];
    const deadline = Date.now() + timeoutMs;
    while (letters.length < count && Date.now() < deadline) {
      const { Messages = [] } = await this.#sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) letters.push(JSON.parse(message.Body ?? '{}') as ReceivedDeadLetter);
      if (Messages.length > 0) {
        await this.#sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    }
    return letters;
  }

  async delete(): Promise<void> {
    await this.#sqs.send(new DeleteQueueCommand({ QueueUrl: this.queueUrl }));
    this.#sqs.destroy();
  }
}
