/**
 * The dead letters of a Kafka sink's queue as replayable items: each letter (one poison record, with its
 * coordinates, key and payload; docs/handlers.md) becomes a one-record MSK event for the function that owns
 * the queue. Letters with the same `deadLetterId` are one item (all deleted after its replay succeeded).
 * While replayed, a letter is hidden (visibility timeout); one still failing is made visible again at once.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MSKEvent } from 'aws-lambda';
import { REPLAY_DEFAULTS } from './constants';
import { UnreplayableRecordError } from './errors';
import type { FailureItem } from './types';

/** The event source fields of a rebuilt event (a replay is not from a live cluster). */
const REPLAY_EVENT_SOURCE = {
  eventSource: 'aws:kafka',
  eventSourceArn: 'streambridge-replay',
  bootstrapServers: '',
};

function bytesOf(fields: Record<string, unknown>, name: string): string | null {
  const text = fields[name];
  if (typeof text === 'string') return Buffer.from(text, 'utf8').toString('base64');
  const base64 = fields[`${name}Base64`];
  return typeof base64 === 'string' ? base64 : null;
}

/**
 * The one-record MSK event that replays a dead letter's body; throws {@link UnreplayableRecordError} for a
 * letter that cannot be one (not from a Kafka sink, or its payload was truncated to fit SQS).
 */
export function deadLetterEvent(
  body: string,
  messageId: string,
): { id: string; event: MSKEvent; mapping: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnreplayableRecordError(messageId, 'the message is not a dead letter (not JSON)');
  }
  const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const id = typeof fields.deadLetterId === 'string' ? fields.deadLetterId : messageId;
  const where = fields.coordinates as Record<string, unknown> | undefined;
  if (where?.source !== 'kafka') {
    throw new UnreplayableRecordError(
      id,
      `a dead letter from ${String(where?.source ?? 'an unknown source')}: only Kafka sinks' dead letters are replayed (a change bridge's poison is a change it could not encode; fix the item at its source)`,
    );
  }
  if (fields.payloadTruncated === true) {
    throw new UnreplayableRecordError(
      id,
      'its payload was truncated to fit SQS; the whole record is only in Kafka',
    );
  }
  const topic = String(where.topic);
  const partition = Number(where.partition);
  const offset = Number(where.offset);
  const details = (fields.details ?? {}) as Record<string, unknown>;
  const timestamp =
    typeof details.timestamp === 'number' ? details.timestamp : Date.parse(String(fields.deadLetteredAt));
  const record = {
    topic,
    partition,
    offset,
    timestamp: Number.isFinite(timestamp) ? timestamp : Date.now(),
    timestampType: 'CREATE_TIME' as const,
    // A null key or value: the wire form of a record without one (MSKRecord types them as strings).
    key: bytesOf(fields, 'key') as string,
    value: bytesOf(fields, 'payload') as string,
    headers: [],
  };
  const mapping = `${topic}-${partition}`;
  return { id, mapping, event: { ...REPLAY_EVENT_SOURCE, records: { [mapping]: [record] } } as MSKEvent };
}

/**
 * Receives a queue's dead letters until it has nothing new.
 *
 * @example
 * ```ts
 * const source = new DeadLetterSource(sqs, queueUrl, 'my-app-kafka-to-redis', { dryRun: false });
 * for await (const item of source.items()) …
 * ```
 */
export class DeadLetterSource {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #functionName: string;
  readonly #visibility: number;

  constructor(sqs: SQSClient, queueUrl: string, functionName: string, options: { dryRun: boolean }) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#functionName = functionName;
    this.#visibility = options.dryRun ? 0 : REPLAY_DEFAULTS.visibilityTimeoutSeconds;
  }

  async *items(): AsyncGenerator<FailureItem | UnreplayableRecordError> {
    const seenMessages = new Set<string>();
    const byLetter = new Map<string, Message[]>();
    let empty = 0;
    while (empty < REPLAY_DEFAULTS.emptyReceives) {
      const { Messages = [] } = await this.#sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: this.#visibility,
          WaitTimeSeconds: 0,
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seenMessages.has(m.MessageId));
      // One this run already gave back (still failing) was hidden again by this receive: show it again.
      await this.#show(Messages.filter((m) => !fresh.includes(m)));
      empty = fresh.length === 0 ? empty + 1 : 0;
      for (const message of fresh) seenMessages.add(message.MessageId as string);
      for (const message of fresh) {
        let letter: ReturnType<typeof deadLetterEvent>;
        try {
          letter = deadLetterEvent(message.Body ?? '', message.MessageId as string);
        } catch (error) {
          if (!(error instanceof UnreplayableRecordError)) throw error;
          await this.#show([message]);
          yield error;
          continue;
        }
        const copies = byLetter.get(letter.id);
        if (copies) {
          // A copy of a letter already yielded: deleted with it when its replay succeeds.
          copies.push(message);
          continue;
        }
        const messages = [message];
        byLetter.set(letter.id, messages);
        yield {
          source: 'dlq',
          id: letter.id,
          functionName: this.#functionName,
          mapping: letter.mapping,
          records: 1,
          event: letter.event,
          remove: async () => {
            for (const m of messages) {
              await this.#sqs.send(
                new DeleteMessageCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: m.ReceiptHandle }),
              );
            }
          },
          release: () => this.#show(messages),
        };
      }
    }
  }

  /** Makes messages visible again at once (a dry run never hid them). */
  async #show(messages: readonly Message[]): Promise<void> {
    if (this.#visibility === 0) return;
    for (const m of messages) {
      await this.#sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#queueUrl,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }
}
