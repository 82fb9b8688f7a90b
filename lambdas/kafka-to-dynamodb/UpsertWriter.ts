/**
 * `upsert` mode (CDC replica): each change envelope's `after` image written, or the item turned into a
 * tombstone marker, never older over newer (writes conditioned on the source sequence number). How and why:
 * docs/handlers.md, "DynamoDB sink".
 */
import type { SinkTableConfig, UpsertMapping } from '../../config/types';
import { SINK_LOOP } from '../core/sink/constants';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import {
  DYNAMO_SINK_ATTRIBUTES as ATTR,
  DYNAMO_LIMITS,
  DYNAMO_TTL,
  DYNAMO_WRITES,
  KEY_DIGITS,
} from './constants';
import type { DynamoRequests } from './DynamoRequests';
import { isConditionFailure, isValidationError } from './errors';
import { keyFromJson, keyId } from './itemKeys';
import { mapConcurrently } from './mapConcurrently';
import { mergeKeyResults } from './mergeKeyResults';
import { planEvents } from './planEvents';
import type { SdkItem } from './sdkItems';
import { itemSizeBytes, toSdkItem } from './sdkItems';
import type { KeyResult, MappingBatch, MappingResult, MappingWriter, WriterOptions } from './types';

interface Change {
  readonly event: SinkEvent;
  readonly key: SdkItem;
  readonly kind: 'put' | 'delete' | 'tombstone';
  /** Zero-padded source sequence number (absent for tombstones). */
  readonly sequence?: string;
}

interface KeyChanges {
  readonly changes: Change[];
}

const SEQUENCE_TEXT = /^\d+$/;

/** A source sequence number as a fixed-width string: string order is then numeric order. */
export function paddedSequence(sequence: string): string {
  if (!SEQUENCE_TEXT.test(sequence) || sequence.length > KEY_DIGITS.sequence) {
    throw new PoisonRecordError(
      POISON_KINDS.wrongType,
      `source.sequenceNumber must be a decimal string of at most ${KEY_DIGITS.sequence} digits (got ${JSON.stringify(sequence)})`,
    );
  }
  return sequence.padStart(KEY_DIGITS.sequence, '0');
}

/**
 * Applies an `upsert` mapping's changes to its replica table.
 *
 * @example
 * ```ts
 * const writer = new UpsertWriter({ mapping, table });
 * await writer.apply(batch);
 * ```
 */
export class UpsertWriter implements MappingWriter {
  readonly #mapping: UpsertMapping;
  readonly #table: SinkTableConfig;

  constructor({ mapping, table }: WriterOptions<UpsertMapping>) {
    this.#mapping = mapping;
    this.#table = table;
  }

  async apply(batch: MappingBatch): Promise<MappingResult> {
    const byKey = new Map<string, KeyChanges>();
    const poison = planEvents(batch.events, (event) => {
      const change = this.#change(event);
      const id = keyId(change.key, this.#table);
      const entry = byKey.get(id) ?? { changes: [] };
      entry.changes.push(change);
      byKey.set(id, entry);
    });
    const results = await mapConcurrently([...byKey.values()], DYNAMO_WRITES.concurrency, (entry) =>
      this.#applyKey(entry, batch.requests),
    );
    return mergeKeyResults(poison, results);
  }

  #change(event: SinkEvent): Change {
    if (event.kind === 'event') {
      throw new PoisonRecordError(
        POISON_KINDS.schema,
        'an upsert mapping needs change envelopes (op, key, after, source.sequenceNumber); this is a plain event',
      );
    }
    const keyFields = event.envelope?.key ?? event.fields;
    const { partitionKey, sortKey } = this.#table;
    const plainKey = sortKey ? undefined : keyFields.$key;
    const key: SdkItem = {
      [partitionKey.name]: keyFromJson(partitionKey, keyFields[partitionKey.name] ?? plainKey, 'partition'),
    };
    if (sortKey) key[sortKey.name] = keyFromJson(sortKey, keyFields[sortKey.name], 'sort');
    if (event.kind === 'tombstone') return { event, key, kind: 'tombstone' };
    const sequence = paddedSequence(event.version ?? '');
    return { event, key, kind: event.op === 'd' ? 'delete' : 'put', sequence };
  }

  /** Writes the newest change of one key; older changes of the batch are superseded by it. */
  async #applyKey(entry: KeyChanges, requests: DynamoRequests): Promise<KeyResult> {
    const offsets = entry.changes.map((c) => c.event.record.offset);
    const sequenced = entry.changes.filter((c) => c.sequence !== undefined);
    const newest = sequenced.reduce<Change | undefined>(
      (best, c) => (best === undefined || (c.sequence as string) >= (best.sequence as string) ? c : best),
      undefined,
    );
    const winner = newest ?? entry.changes[entry.changes.length - 1];
    if (!winner) return { poison: [], duplicates: [] };
    try {
      const applied =
        winner.kind === 'tombstone'
          ? await this.#applyTombstone(winner, requests)
          : await this.#applySequenced(winner, requests);
      return { poison: [], duplicates: applied ? [] : [winner.event.record.offset] };
    } catch (error) {
      if (error instanceof PoisonRecordError) {
        return { poison: [{ record: winner.event.record, error }], duplicates: [] };
      }
      if (isValidationError(error)) {
        const reason = `DynamoDB refused the item: ${(error as Error).message}`;
        return {
          poison: [
            { record: winner.event.record, error: new PoisonRecordError(POISON_KINDS.schema, reason) },
          ],
          duplicates: [],
        };
      }
      return { poison: [], duplicates: [], failedAt: Math.min(...offsets), failure: error };
    }
  }

  #marker(key: SdkItem, sequence: string | undefined): SdkItem {
    const marker: SdkItem = { ...key, [ATTR.deleted]: { BOOL: true } };
    if (sequence !== undefined) marker[ATTR.sequence] = { S: sequence };
    const days = this.#mapping.tombstoneRetentionDays;
    if (days !== undefined && this.#table.ttlAttribute) {
      marker[this.#table.ttlAttribute] = {
        N: String(Math.floor(Date.now() / 1000) + days * DYNAMO_TTL.secondsPerDay),
      };
    }
    return marker;
  }

  /** Returns false when the table already holds this change or a newer one. */
  async #applySequenced(change: Change, requests: DynamoRequests): Promise<boolean> {
    const sequence = change.sequence as string;
    let item: SdkItem;
    if (change.kind === 'delete') item = this.#marker(change.key, sequence);
    else {
      item = { ...toSdkItem(change.event.fields, 'after'), ...change.key, [ATTR.sequence]: { S: sequence } };
      delete item[ATTR.deleted];
      const size = itemSizeBytes(item);
      if (size > DYNAMO_LIMITS.itemBytes) {
        throw new PoisonRecordError(
          POISON_KINDS.tooLarge,
          `item is ${size} bytes (DynamoDB allows ${DYNAMO_LIMITS.itemBytes})`,
        );
      }
    }
    try {
      await requests.put({
        TableName: this.#table.name,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
        ExpressionAttributeNames: { '#seq': ATTR.sequence },
        ExpressionAttributeValues: { ':seq': { S: sequence } },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Turns the stored item into a marker keeping its sequence; false when it is absent or already deleted. */
  async #applyTombstone(change: Change, requests: DynamoRequests): Promise<boolean> {
    for (let attempt = 0; attempt <= SINK_LOOP.maxReplans; attempt++) {
      const { Item: stored } = await requests.get({
        TableName: this.#table.name,
        Key: change.key,
        ConsistentRead: true,
      });
      if (!stored || stored[ATTR.deleted]?.BOOL === true) return false;
      const sequence = stored[ATTR.sequence];
      try {
        await requests.put({
          TableName: this.#table.name,
          Item: this.#marker(change.key, sequence?.S),
          ConditionExpression: sequence ? '#seq = :seq' : 'attribute_not_exists(#seq)',
          ExpressionAttributeNames: { '#seq': ATTR.sequence },
          ...(sequence ? { ExpressionAttributeValues: { ':seq': sequence } } : {}),
        });
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`tombstone: the item kept changing during ${SINK_LOOP.maxReplans + 1} attempts`);
  }
}
