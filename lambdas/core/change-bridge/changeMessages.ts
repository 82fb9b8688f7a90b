/**
 * The Kafka messages of one change: the envelope keyed by the item's partition key value or its full
 * primary key, the CDC headers, and in `primaryKey` mode a tombstone after a delete. Governed tables build
 * the envelope as objects, the others have it written as text (docs/handlers.md).
 */
import { buildChangeEnvelope, changeEnvelopeText, serializeChangeEnvelope } from '../envelope/changeEnvelope';
import { OPERATIONS } from '../envelope/constants';
import { CHANGE_POISON_KINDS, decodeError, PoisonChangeError } from '../envelope/errors';
import type { DynamoDbChange } from '../envelope/types';
import { RECORD_SIZES } from '../kafka/constants';
import { recordBytes } from '../kafka/messageSizes';
import type { OutgoingMessage } from '../kafka/types';
import { CHANGE_HEADER_VALUES, CHANGE_HEADERS } from './constants';
import type { TablePlan } from './tablePlans';
import type { RecordLocation } from './types';

export interface ChangeMessageInput {
  readonly plan: TablePlan;
  readonly change: DynamoDbChange;
  readonly location: RecordLocation;
  readonly producedAtMs: number;
  readonly lineage: string;
  /** The topic's limit (`maxMessageBytes`, else the broker default). */
  readonly maxMessageBytes: (topic: string) => number;
}

/** A key attribute's envelope value as Kafka key text: strings as is, numbers as DynamoDB text, binary as base64. */
function envelopeKeyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const tagged = value as Record<string, unknown>;
    if (typeof tagged.$N === 'string') return tagged.$N;
    if (typeof tagged.$B === 'string') return tagged.$B;
  }
  return undefined;
}

/** The same text from the attribute value itself (S, N or B; anything else is no key). */
function attributeKeyText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { S, N, B } = value as Record<string, unknown>;
  if (typeof S === 'string') return S;
  if (typeof N === 'string') return N;
  return typeof B === 'string' ? B : undefined;
}

function missingPartitionKey(plan: TablePlan): PoisonChangeError {
  return decodeError('dynamodb.Keys', `has no partition key attribute "${plan.partitionKey}"`);
}

/** Key and value of a governed table: build, validate, protect, then serialize. */
function governedMessage(input: ChangeMessageInput): { key: string; value: string; op: string } {
  const { plan, change, producedAtMs } = input;
  const built = buildChangeEnvelope(change, producedAtMs);
  plan.governance.validate(built.after);
  const envelope = plan.governance.protect(built);
  const key =
    plan.keyMode === 'primaryKey'
      ? JSON.stringify(envelope.key)
      : envelopeKeyText(envelope.key[plan.partitionKey]);
  if (key === undefined) throw missingPartitionKey(plan);
  return { key, value: serializeChangeEnvelope(envelope), op: envelope.op };
}

/** Key and value of a table without hooks, written directly. */
function directMessage(input: ChangeMessageInput): { key: string; value: string; op: string } {
  const { plan, change, producedAtMs } = input;
  const keyText = plan.itemText(change.keys, 'dynamodb.Keys');
  const key = plan.keyMode === 'primaryKey' ? keyText : attributeKeyText(change.keys[plan.partitionKey]);
  if (key === undefined) throw missingPartitionKey(plan);
  return {
    key,
    value: changeEnvelopeText(change, producedAtMs, plan.itemText, keyText),
    op: OPERATIONS[change.eventName],
  };
}

/**
 * Throws a {@link PoisonChangeError} for an undecodable, schema-invalid or too large change.
 *
 * @example
 * ```ts
 * const messages = changeMessages({ plan, change, location, producedAtMs, lineage, maxMessageBytes });
 * ```
 */
export function changeMessages(input: ChangeMessageInput): OutgoingMessage[] {
  const { plan, change, location, lineage } = input;
  const topic = plan.topicFor(change);
  const message = plan.governance.active ? governedMessage(input) : directMessage(input);
  const { key, value } = message;
  const headers: Record<string, string> = {
    [CHANGE_HEADERS.contentType]: CHANGE_HEADER_VALUES.contentType,
    [CHANGE_HEADERS.table]: change.table,
    [CHANGE_HEADERS.op]: message.op,
    [CHANGE_HEADERS.eventId]: change.eventId,
    [CHANGE_HEADERS.sequenceNumber]: location.checkpointId ?? '',
    [CHANGE_HEADERS.lineage]: lineage,
  };
  const bytes = recordBytes(key, value, headers);
  const limit = input.maxMessageBytes(topic);
  if (bytes + RECORD_SIZES.batchOverheadBytes > limit) {
    throw new PoisonChangeError(
      CHANGE_POISON_KINDS.tooLarge,
      `message of ${bytes + RECORD_SIZES.batchOverheadBytes} bytes exceeds the max message size ${limit} of topic ${topic}`,
      { bytes: bytes + RECORD_SIZES.batchOverheadBytes, maxMessageBytes: limit, topic },
    );
  }
  const messages: OutgoingMessage[] = [{ topic, key, value, headers, bytes }];
  if (message.op === 'd' && plan.keyMode === 'primaryKey') {
    const { [CHANGE_HEADERS.contentType]: _noContent, ...tombstoneHeaders } = headers;
    messages.push({
      topic,
      key,
      value: null,
      headers: tombstoneHeaders,
      bytes: recordBytes(key, null, tombstoneHeaders),
    });
  }
  return messages;
}
