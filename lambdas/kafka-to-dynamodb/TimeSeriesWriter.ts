/**
 * `timeseries` mode: one item per event, under deterministic keys (partition key from a template, e.g.
 * `device#{deviceId}#{ts:yyyyMMdd}`; sort key from a template or by default
 * `<event time ISO-8601>#<partition>#<offset, 20 digits>`, or for a change envelope
 * `<event time ISO-8601>#<source event id>`), so a redelivered event overwrites its own item and lexical
 * order is time order. A change keys by its source event id because a change bridge retried after a crash
 * produces the same change again at a new offset: the offset would make it a second reading. The table's TTL attribute gets event time + `retentionDays` (epoch s).
 *
 * Items are written with BatchWriteItem (see `batchWriteItems.ts`); two events that map to one key keep the
 * later one. Deletes and tombstones add nothing to a series: a source delete (often the source table's own
 * TTL) must not erase history nor add a reading.
 *
 * @example
 * ```ts
 * const writer = new TimeSeriesWriter({ mapping, table });
 * const result = await writer.apply(batch); // result.failedAt set when items stayed unwritten
 * ```
 */

import type { CompiledTemplate } from '../../config/keyTemplate';
import { compileTemplate, readField, toEpochMillis } from '../../config/keyTemplate';
import type { SinkTableConfig, TimeSeriesMapping } from '../../config/types';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import type { PendingPut } from './batchWriteItems';
import { batchWriteItems } from './batchWriteItems';
import { DYNAMO_LIMITS, DYNAMO_TTL, KEY_DIGITS } from './constants';
import { keyFromText, keyId, renderKeyTemplate } from './itemKeys';
import { planEvents } from './planEvents';
import type { SdkItem } from './sdkItems';
import { itemSizeBytes, toSdkItem } from './sdkItems';
import type { MappingBatch, MappingResult, MappingWriter, WriterOptions } from './types';

/** The default sort key: ISO time (lexical order = time order), then the record's Kafka coordinates. */
export function defaultSortKey(eventMillis: number, partition: number, offset: number): string {
  return `${new Date(eventMillis).toISOString()}#${partition}#${String(offset).padStart(KEY_DIGITS.offset, '0')}`;
}

/** The default sort key of a change envelope: ISO time, then the change's source event id. */
export function changeSortKey(eventMillis: number, eventId: string): string {
  return `${new Date(eventMillis).toISOString()}#${eventId}`;
}

export class TimeSeriesWriter implements MappingWriter {
  readonly #mapping: TimeSeriesMapping;
  readonly #table: SinkTableConfig;
  readonly #partitionKey: CompiledTemplate;
  readonly #sortKey: CompiledTemplate | undefined;

  constructor({ mapping, table }: WriterOptions<TimeSeriesMapping>) {
    this.#mapping = mapping;
    this.#table = table;
    this.#partitionKey = compileTemplate(mapping.partitionKey.template);
    this.#sortKey = mapping.sortKey ? compileTemplate(mapping.sortKey.template) : undefined;
  }

  async apply(batch: MappingBatch): Promise<MappingResult> {
    const puts = new Map<string, PendingPut>();
    const eventsOf = new Map<string, SinkEvent[]>();
    const poison = planEvents(batch.events, (event) => {
      if (event.op === 'd') return;
      const item = this.#item(event);
      const id = keyId(item, this.#table);
      const earlier = puts.get(id);
      puts.set(id, { id, item, offset: earlier?.offset ?? event.record.offset });
      eventsOf.set(id, [...(eventsOf.get(id) ?? []), event]);
    });
    const { unwritten, rejected, failure } = await batchWriteItems(batch.requests, this.#table, [
      ...puts.values(),
    ]);
    for (const { put, error } of rejected) {
      const reason = `DynamoDB refused the item: ${error instanceof Error ? error.message : String(error)}`;
      for (const event of eventsOf.get(put.id) ?? []) {
        poison.push({ record: event.record, error: new PoisonRecordError(POISON_KINDS.schema, reason) });
      }
    }
    if (unwritten.length === 0) return { poison, duplicates: [] };
    return { poison, duplicates: [], failedAt: Math.min(...unwritten.map((put) => put.offset)), failure };
  }

  #item(event: SinkEvent): SdkItem {
    const { partitionKey, sortKey, timestampField, retentionDays } = this.#mapping;
    const rawTime = readField(event.fields, timestampField);
    if (rawTime === undefined || rawTime === null) {
      throw new PoisonRecordError(
        POISON_KINDS.missingField,
        `timestamp field "${timestampField}" is missing`,
      );
    }
    const millis = toEpochMillis(rawTime);
    if (millis === undefined) {
      throw new PoisonRecordError(
        POISON_KINDS.wrongType,
        `timestamp field "${timestampField}" is not a time (got ${JSON.stringify(rawTime)})`,
      );
    }
    const item = toSdkItem(event.fields);
    item[partitionKey.name] = keyFromText(
      this.#table.partitionKey,
      renderKeyTemplate(this.#partitionKey, event),
      'partition',
    );
    const sortKeyDef = this.#table.sortKey ?? { name: sortKey?.name ?? 'sk', type: 'S' as const };
    const sortText = this.#sortKey
      ? renderKeyTemplate(this.#sortKey, event)
      : event.envelope
        ? changeSortKey(millis, event.envelope.source.eventId)
        : defaultSortKey(millis, event.record.partition, event.record.offset);
    item[sortKeyDef.name] = keyFromText(sortKeyDef, sortText, 'sort');
    if (retentionDays !== undefined && this.#table.ttlAttribute) {
      item[this.#table.ttlAttribute] = {
        N: String(Math.floor(millis / 1000) + retentionDays * DYNAMO_TTL.secondsPerDay),
      };
    }
    const size = itemSizeBytes(item);
    if (size > DYNAMO_LIMITS.itemBytes) {
      throw new PoisonRecordError(
        POISON_KINDS.tooLarge,
        `item is ${size} bytes (DynamoDB allows ${DYNAMO_LIMITS.itemBytes})`,
      );
    }
    return item;
  }
}
