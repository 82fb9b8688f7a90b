/**
 * The change envelope of CDC topics: one DynamoDB item-level change as Debezium-shaped JSON.
 *
 * ```
 * { "op": "c" | "u" | "d", "key": {…}, "before": {…} | null, "after": {…} | null,
 *   "source": { "system": "dynamodb", "table", "region", "eventId", "sequenceNumber", "ts_ms", "ttlExpired" },
 *   "ts_ms": <when the bridge produced it, epoch ms> }
 * ```
 *
 * Lossless mapping of attribute values (`key`, `before`, `after`; member names sorted — array-index names
 * such as `"7"` first, in numeric order, as JavaScript objects keep them — so the same item always gives
 * the same bytes):
 *
 * | DynamoDB | envelope JSON |
 * | --- | --- |
 * | `S` | string |
 * | `N` | a JSON number when its JSON text is exactly the DynamoDB text and, if an integer, a safe one (abs ≤ 2^53 − 1): `"42"` → `42`, `"1.5"` → `1.5`; otherwise `{"$N": "<text>"}`: `{"$N": "12345678901234567890"}`, `{"$N": "0.12345678901234567890"}`, `{"$N": "-0"}` |
 * | `B` | `{"$B": "<base64>"}` |
 * | `SS` / `NS` / `BS` | `{"$SS": [strings]}` / `{"$NS": [decimal strings]}` / `{"$BS": [base64]}`, in stream order |
 * | `BOOL` / `NULL` | `true`, `false` / `null` |
 * | `L` | array |
 * | `M` | object; a map whose only member is named `$N`, `$B`, `$SS`, `$NS`, `$BS` or `$M` is wrapped as `{"$M": {…}}` |
 *
 * A JSON object with exactly one member named by a tag is a tagged value; any other object is a map.
 * `fromJsonItem` in `losslessMapping.ts` maps an envelope image back to the exact attribute values.
 *
 * Source fields, per path (everything else is the same bytes on both paths for the same change):
 * - `source.ts_ms`: `ApproximateCreationDateTime` in ms — seconds × 1000 on DynamoDB Streams; ms, or µs / 1000
 *   rounded down, on Kinesis (per `ApproximateCreationDateTimePrecision`).
 * - `source.sequenceNumber`: what orders the item's changes on that path — the DynamoDB Streams
 *   `SequenceNumber`; on Kinesis, which carries none and may reorder or repeat changes, the approximate
 *   creation time in microseconds. Compare as integers, only between changes of one table.
 * - `source.ttlExpired`: true for a REMOVE whose `userIdentity` is `{type: "Service", principalId:
 *   "dynamodb.amazonaws.com"}`.
 *
 * `changeEnvelopeText` writes the same bytes in one pass, for tables without governance hooks (which need
 * the envelope as objects).
 *
 * @example
 * ```ts
 * const envelope = buildChangeEnvelope(decodeStreamRecord(record), Date.now());
 * const bytes = serializeChangeEnvelope(envelope);
 * changeEnvelopeText(decodeStreamRecord(record), envelope.ts_ms) === bytes; // true
 * ```
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
