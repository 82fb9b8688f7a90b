/**
 * The history of a `state` mapping: one item per entity and version in the history table (key: the state's
 * partition key and the version), with the event time, who and what made the change, the change itself and,
 * every `snapshotEvery` versions, the whole state after it. The items of a version are a function of the
 * entity's events up to it, so writing them again (a redelivery, a replan) changes nothing; the state
 * writer writes them before the state, so a version the state holds is always in the history.
 * How and why: docs/sinks/dynamodb.md, "History".
 */

import { CONFIG_DEFAULTS } from '../../config/constants';
import { readField, toEpochMillis } from '../../config/keyTemplate';
import type { SinkTableConfig, StateHistory } from '../../config/types';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import type { BatchWriteOutcome, PendingPut } from './batchWriteItems';
import { batchWriteItems } from './batchWriteItems';
import { HISTORY_ATTRIBUTES as H, TTL_ACTOR } from './constants';
import type { DynamoRequests } from './DynamoRequests';
import { keyId } from './itemKeys';
import type { SdkItem } from './sdkItems';

/** One version of an entity as the history needs it. */
export interface HistoryVersion {
  readonly version: number;
  readonly eventId: string;
  readonly fields: SdkItem;
  /** {@link StateHistoryWriter.meta} of the event: time, actor, cause, source. */
  readonly meta: SdkItem;
}

export interface StateHistoryWriterOptions {
  readonly history: StateHistory;
  /** The history table as the sink declares it (partition key = the state's, sort key = the version). */
  readonly table: SinkTableConfig;
  readonly reducer: 'merge' | 'replace';
}

const CHANGE_CAUSES = { c: 'INSERT', u: 'MODIFY', d: 'REMOVE' } as const;

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Builds and writes a state mapping's history items.
 *
 * @example
 * ```ts
 * const history = new StateHistoryWriter({ history: mapping.history, table, reducer: 'merge' });
 * const meta = history.meta(event); // at plan time: a bad time field makes the event poison
 * const puts = history.items(key, stateBefore, run); // one item per version of the run
 * ```
 */
export class StateHistoryWriter {
  readonly #history: StateHistory;
  readonly #table: SinkTableConfig;
  readonly #reducer: 'merge' | 'replace';
  readonly #snapshotEvery: number;

  constructor({ history, table, reducer }: StateHistoryWriterOptions) {
    this.#history = history;
    this.#table = table;
    this.#reducer = reducer;
    this.#snapshotEvery = history.snapshotEvery ?? CONFIG_DEFAULTS.snapshotEvery;
  }

  get table(): SinkTableConfig {
    return this.#table;
  }

  /** The event's time, actor, cause and source; throws a poison error when its time field is unusable. */
  meta(event: SinkEvent): SdkItem {
    const { timestampField, actorField, causeField } = this.#history;
    const meta: SdkItem = { [H.at]: { N: String(this.#time(event, timestampField)) } };
    const actor = actorField
      ? text(readField(event.fields, actorField))
      : event.envelope?.source.ttlExpired
        ? TTL_ACTOR
        : undefined;
    if (actor !== undefined) meta[H.actor] = { S: actor };
    const cause =
      (causeField ? text(readField(event.fields, causeField)) : undefined) ??
      (event.op ? CHANGE_CAUSES[event.op] : 'event');
    meta[H.cause] = { S: cause };
    const { topic, partition, offset } = event.record;
    meta[H.source] = {
      S: event.envelope
        ? `dynamodb:${event.envelope.source.table}:${event.envelope.source.eventId}`
        : `kafka:${topic}/${partition}/${offset}`,
    };
    return meta;
  }

  #time(event: SinkEvent, field: string | undefined): number {
    if (field === undefined) return event.envelope?.source.ts_ms ?? event.record.timestamp;
    const raw = readField(event.fields, field);
    if (raw === undefined || raw === null) {
      throw new PoisonRecordError(POISON_KINDS.missingField, `history timestamp field "${field}" is missing`);
    }
    const millis = toEpochMillis(raw);
    if (millis === undefined) {
      throw new PoisonRecordError(
        POISON_KINDS.wrongType,
        `history timestamp field "${field}" is not a time (got ${JSON.stringify(raw)})`,
      );
    }
    return Math.floor(millis);
  }

  /**
   * The history items of a run of consecutive versions, given the entity's key and its state before the
   * run (data attributes only); `offset` is the lowest Kafka offset they stand for. Snapshot versions
   * (multiples of `snapshotEvery`) carry the state after them.
   */
  items(key: SdkItem, before: SdkItem, run: readonly HistoryVersion[], offset: number): PendingPut[] {
    let state: SdkItem = { ...before };
    const sortKey = this.#table.sortKey?.name ?? 'version';
    const { ttlAttribute } = this.#table;
    const { ttlSeconds } = this.#history;
    return run.map((v) => {
      state = this.#reducer === 'replace' ? { ...v.fields } : { ...state, ...v.fields };
      const item: SdkItem = {
        ...v.meta,
        [H.eventId]: { S: v.eventId },
        [H.change]: { M: v.fields },
        ...key,
        [sortKey]: { N: String(v.version) },
      };
      if (v.version % this.#snapshotEvery === 0) item[H.state] = { M: { ...state, ...key } };
      const at = Number(v.meta[H.at]?.N ?? 0);
      if (ttlSeconds !== undefined && ttlAttribute) {
        item[ttlAttribute] = { N: String(Math.floor(at / 1000) + ttlSeconds) };
      }
      return { id: keyId(item, this.#table), item, offset };
    });
  }

  /** Writes history items in BatchWriteItem chunks (retried as the sink's other batch writes are). */
  write(requests: DynamoRequests, puts: readonly PendingPut[]): Promise<BatchWriteOutcome> {
    return batchWriteItems(requests, this.#table, puts);
  }
}
