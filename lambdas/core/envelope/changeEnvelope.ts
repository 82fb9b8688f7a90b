/**
 * The change envelope of CDC topics: one DynamoDB item-level change as Debezium-shaped JSON, built as
 * objects (`buildChangeEnvelope`, for tables with governance hooks) or written directly as the same bytes
 * (`changeEnvelopeText`). The envelope's fields and value mapping: docs/envelope.md; the code: docs/handlers.md.
 */

import type { ChangeEnvelope } from '../types';
import { OPERATIONS } from './constants';
import type { ItemTextWriter } from './itemText';
import { jsonItemText, jsonString } from './itemText';
import { toJsonItem } from './losslessMapping';
import type { DynamoDbChange } from './types';

/** Builds the envelope of a change; throws `PoisonChangeError` when an attribute value is malformed. */
export function buildChangeEnvelope(change: DynamoDbChange, producedAtMs: number): ChangeEnvelope {
  return {
    op: OPERATIONS[change.eventName],
    key: toJsonItem(change.keys, 'dynamodb.Keys'),
    before: change.oldImage === undefined ? null : toJsonItem(change.oldImage, 'dynamodb.OldImage'),
    after: change.newImage === undefined ? null : toJsonItem(change.newImage, 'dynamodb.NewImage'),
    source: {
      system: 'dynamodb',
      table: change.table,
      region: change.region,
      eventId: change.eventId,
      sequenceNumber: change.sequenceNumber,
      ts_ms: Math.floor(change.createdAtMicros / 1000),
      ttlExpired: change.ttlExpired,
    },
    ts_ms: producedAtMs,
  };
}

/** The envelope's bytes: member order fixed by {@link buildChangeEnvelope}, images with sorted names. */
export function serializeChangeEnvelope(envelope: ChangeEnvelope): string {
  return JSON.stringify(envelope);
}

/** The envelope text's parts that repeat from record to record (one table, one region, one batch time). */
const repeated = { table: '', region: '', sourceStart: '', producedAtMs: Number.NaN, end: '' };

function sourceStart(table: string, region: string): string {
  if (table !== repeated.table || region !== repeated.region || repeated.sourceStart === '') {
    repeated.sourceStart = `,"source":{"system":"dynamodb","table":${jsonString(table)},"region":${jsonString(region)},"eventId":`;
    repeated.table = table;
    repeated.region = region;
  }
  return repeated.sourceStart;
}

function envelopeEnd(producedAtMs: number): string {
  if (producedAtMs !== repeated.producedAtMs) {
    repeated.end = `},"ts_ms":${producedAtMs}}`;
    repeated.producedAtMs = producedAtMs;
  }
  return repeated.end;
}

/**
 * The bytes of `serializeChangeEnvelope(buildChangeEnvelope(change, producedAtMs))`, written directly by
 * `itemText` (the general writer, or the compiled one: the same bytes). `keyText` is the JSON text of the
 * key when the caller already has it (the Kafka key in primaryKey mode).
 *
 * @example
 * ```ts
 * const envelope = buildChangeEnvelope(decodeStreamRecord(record), Date.now());
 * const bytes = serializeChangeEnvelope(envelope);
 * changeEnvelopeText(decodeStreamRecord(record), envelope.ts_ms) === bytes; // true
 * ```
 */
export function changeEnvelopeText(
  change: DynamoDbChange,
  producedAtMs: number,
  itemText: ItemTextWriter = jsonItemText,
  keyText: string = itemText(change.keys, 'dynamodb.Keys'),
): string {
  const before = change.oldImage === undefined ? 'null' : itemText(change.oldImage, 'dynamodb.OldImage');
  const after = change.newImage === undefined ? 'null' : itemText(change.newImage, 'dynamodb.NewImage');
  return (
    `{"op":"${OPERATIONS[change.eventName]}","key":${keyText},"before":${before},"after":${after}` +
    `${sourceStart(change.table, change.region)}${jsonString(change.eventId)},"sequenceNumber":${jsonString(change.sequenceNumber)},` +
    `"ts_ms":${Math.floor(change.createdAtMicros / 1000)},"ttlExpired":${change.ttlExpired}${envelopeEnd(producedAtMs)}`
  );
}
