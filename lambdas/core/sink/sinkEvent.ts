/**
 * What a sink reads from a Kafka record: a plain JSON event, a change envelope (its after image, or its
 * before image for a delete), or a tombstone (null value; its key fields). Mappings and key templates
 * address `fields`; change metadata is in `op` and `version`.
 *
 * @example
 * ```ts
 * const event = decodeSinkEvent(record); // throws PoisonRecordError for undecodable values
 * compileTemplate('product:{productId}').render(templateContext(event));
 * ```
 */

import type { TemplateContext } from '../../../config/keyTemplate';
import { readField } from '../../../config/keyTemplate';
import type { KafkaRecord } from '../kafkaRecords';
import type { ChangeEnvelope, ChangeOperation } from '../types';
import { POISON_KINDS, PoisonRecordError } from './errors';

export interface SinkEvent {
  readonly record: KafkaRecord;
  readonly kind: 'event' | 'change' | 'tombstone';
  /** For changes and tombstones (`d`). */
  readonly op?: ChangeOperation;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly envelope?: ChangeEnvelope;
  /** The source sequence number of a change (orders versions of an item). */
  readonly version?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelope(value: Record<string, unknown>): value is Record<string, unknown> & ChangeEnvelope {
  return (
    (value.op === 'c' || value.op === 'u' || value.op === 'd') &&
    isObject(value.source) &&
    value.source.system === 'dynamodb' &&
    'after' in value &&
    'before' in value
  );
}

function keyFields(key: Buffer | null): Record<string, unknown> {
  if (!key) return {};
  const text = key.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // A plain string key (partition key value) is kept as `$key`.
  }
  return { $key: text };
}

/** Decodes a Kafka record into a sink event; throws {@link PoisonRecordError} when it cannot. */
export function decodeSinkEvent(record: KafkaRecord): SinkEvent {
  const text = record.valueText();
  if (text === null) return { record, kind: 'tombstone', op: 'd', fields: keyFields(record.key) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PoisonRecordError(POISON_KINDS.decode, `value is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new PoisonRecordError(POISON_KINDS.decode, 'value is not a JSON object');
  if (!isEnvelope(parsed)) return { record, kind: 'event', fields: parsed };
  const image = parsed.op === 'd' ? (parsed.before ?? parsed.key) : parsed.after;
  if (!isObject(image)) {
    throw new PoisonRecordError(
      POISON_KINDS.decode,
      `change envelope (op ${parsed.op}) has no ${parsed.op === 'd' ? 'before' : 'after'} image`,
    );
  }
  return {
    record,
    kind: 'change',
    op: parsed.op,
    fields: image,
    envelope: parsed,
    version: parsed.source.sequenceNumber,
  };
}

/** A template context whose metadata object is built only when a template reads `{$name}` (most never do). */
class EventTemplateContext implements TemplateContext {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly #event: SinkEvent;
  #meta: TemplateContext['meta'] | undefined;

  constructor(event: SinkEvent) {
    this.fields = event.fields;
    this.#event = event;
  }

  get meta(): TemplateContext['meta'] {
    const { record, op } = this.#event;
    this.#meta ??= {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      op,
    };
    return this.#meta;
  }
}

/** The template context of an event: its fields plus `$topic`, `$partition`, `$offset`, `$timestamp`, `$op`. */
export function templateContext(event: SinkEvent): TemplateContext {
  return new EventTemplateContext(event);
}

/**
 * Reads a numeric field: a JSON number, a numeric string, or the envelope's tagged big number
 * (`{"$N": "..."}`). Returns `undefined` when absent; throws a poison error when present but not numeric.
 */
export function readNumber(fields: Readonly<Record<string, unknown>>, path: string): number | undefined {
  const value = readField(fields, path);
  if (value === undefined || value === null) return undefined;
  const raw = isObject(value) && typeof value.$N === 'string' ? value.$N : value;
  const number =
    typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new PoisonRecordError(
      POISON_KINDS.wrongType,
      `field "${path}" is not a number (got ${JSON.stringify(value)})`,
    );
  }
  return number;
}
