/**
 * The Kafka messages of one change: the envelope, keyed by the item's partition key value (default) or
 * by its full primary key as JSON, with the CDC headers; in `primaryKey` mode a delete is followed by a
 * tombstone with the same key, so compacted topics drop the item (in `partitionKey` mode a tombstone
 * would erase the item's siblings that share the partition key, so none is sent).
 *
 * @example
 * ```ts
 * const messages = changeMessages({ plan, topic, envelope, location, change, lineage, maxMessageBytes });
 * ```
 */
import { serializeChangeEnvelope } from '../changeEnvelope';
import { CHANGE_POISON_KINDS, decodeError, PoisonChangeError } from '../envelope/errors';
import type { DynamoDbChange } from '../envelope/types';
import { RECORD_BATCH_OVERHEAD_BYTES } from '../kafka/constants';
import { recordBytes } from '../kafka/messageSizes';
import type { OutgoingMessage } from '../kafka/types';
import type { ChangeEnvelope } from '../types';
import { CHANGE_HEADERS, JSON_CONTENT_TYPE } from './constants';
import type { TablePlan } from './tablePlans';
import type { RecordLocation } from './types';

export interface ChangeMessageInput {
  readonly plan: TablePlan;
  readonly topic: string;
  /** The envelope after governance. */
  readonly envelope: ChangeEnvelope;
  readonly change: DynamoDbChange;
  readonly location: RecordLocation;
  readonly lineage: string;
  readonly maxMessageBytes: number;
}

/** A key attribute's value as Kafka key text: strings as is, numbers as their DynamoDB text, binary as base64. */
function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const tagged = value as Record<string, unknown>;
    if (typeof tagged.$N === 'string') return tagged.$N;
    if (typeof tagged.$B === 'string') return tagged.$B;
  }
  return undefined;
}

function kafkaKey(plan: TablePlan, envelope: ChangeEnvelope): Buffer {
  if (plan.keyMode === 'primaryKey') return Buffer.from(JSON.stringify(envelope.key));
  const text = keyText(envelope.key[plan.partitionKey]);
  if (text === undefined) {
    throw decodeError('dynamodb.Keys', `has no partition key attribute "${plan.partitionKey}"`);
  }
  return Buffer.from(text);
}

/** Throws a `RecordTooLarge` {@link PoisonChangeError} when the message alone exceeds the topic's limit. */
export function changeMessages(input: ChangeMessageInput): OutgoingMessage[] {
  const { plan, topic, envelope, change, location, lineage, maxMessageBytes } = input;
  const key = kafkaKey(plan, envelope);
  const value = Buffer.from(serializeChangeEnvelope(envelope));
  const headers: Record<string, string> = {
    [CHANGE_HEADERS.contentType]: JSON_CONTENT_TYPE,
    [CHANGE_HEADERS.table]: change.table,
    [CHANGE_HEADERS.op]: envelope.op,
    [CHANGE_HEADERS.eventId]: change.eventId,
    [CHANGE_HEADERS.sequenceNumber]: location.checkpointId ?? '',
    [CHANGE_HEADERS.sourcePath]: change.path,
    [CHANGE_HEADERS.sourceTimeMicros]: String(change.createdAtMicros),
    [CHANGE_HEADERS.lineage]: lineage,
  };
  const bytes = recordBytes(key, value, headers);
  if (bytes + RECORD_BATCH_OVERHEAD_BYTES > maxMessageBytes) {
    throw new PoisonChangeError(
      CHANGE_POISON_KINDS.tooLarge,
      `message of ${bytes + RECORD_BATCH_OVERHEAD_BYTES} bytes exceeds the max message size ${maxMessageBytes} of topic ${topic}`,
      { bytes: bytes + RECORD_BATCH_OVERHEAD_BYTES, maxMessageBytes, topic },
    );
  }
  const messages: OutgoingMessage[] = [{ topic, key, value, headers, bytes }];
  if (envelope.op === 'd' && plan.keyMode === 'primaryKey') {
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
