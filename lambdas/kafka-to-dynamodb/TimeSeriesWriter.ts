/**
 * `timeseries` mode: one item per event under deterministic keys, so a redelivered event overwrites its own
 * item and lexical order is time order. How and why: docs/handlers.md, "DynamoDB sink".
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

/**
 * Applies a `timeseries` mapping's events to its table.
 *
 * @example
 * ```ts
 * const writer = new TimeSeriesWriter({ mapping, table });
 * const result = await writer.apply(batch); // result.failedAt set when items stayed unwritten
 * ```
 */
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
