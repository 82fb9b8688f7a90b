/**
 * `state` mode (event sourcing): each entity's state rebuilt from its versioned events, one PutItem per
 * entity conditioned on its write revision, events ahead of a missing version held in the item until it
 * arrives; with `history`, every version also goes to the history table first (StateHistoryWriter). How and
 * why: docs/handlers.md, "DynamoDB sink", and docs/sinks/dynamodb.md, "History".
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CONFIG_DEFAULTS } from '../../config/constants';
import type { CompiledTemplate } from '../../config/keyTemplate';
import { compileTemplate, readField } from '../../config/keyTemplate';
import type { SinkTableConfig, StateMapping } from '../../config/types';
import { SINK_LOOP } from '../core/sink/constants';
import type { PoisonFinding } from '../core/sink/errors';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { readNumber } from '../core/sink/sinkEvent';
import type { PendingPut } from './batchWriteItems';
import {
  DYNAMO_SINK_ATTRIBUTES as ATTR,
  DYNAMO_LIMITS,
  DYNAMO_WRITES,
  HISTORY_ATTRIBUTES,
} from './constants';
import type { DynamoRequests } from './DynamoRequests';
import { isConditionFailure, isValidationError } from './errors';
import { keyFromText, keyId, renderKeyTemplate } from './itemKeys';
import { mapConcurrently } from './mapConcurrently';
import { mergeKeyResults } from './mergeKeyResults';
import { planEvents } from './planEvents';
import { StateHistoryWriter } from './StateHistoryWriter';
import type { SdkItem } from './sdkItems';
import { itemSizeBytes, toSdkItem } from './sdkItems';
import type { KeyResult, MappingBatch, MappingResult, MappingWriter, WriterOptions } from './types';

interface VersionedEvent {
  readonly version: number;
  readonly eventId: string;
  readonly fields: SdkItem;
  /** The history's time, actor, cause and source of the event (with `history` only). */
  readonly meta?: SdkItem;
  /** The Kafka record's event; absent for events held in the item from an earlier batch. */
  readonly event?: SinkEvent;
}

interface Entity {
  readonly id: string;
  readonly key: SdkItem;
  readonly events: VersionedEvent[];
}

interface EntityResult extends KeyResult {
  readonly gaps: number;
}

interface Plan {
  readonly run: readonly VersionedEvent[];
  readonly held: readonly VersionedEvent[];
  readonly duplicates: readonly number[];
  readonly overflow: readonly VersionedEvent[];
  /** Whether the item must be written (a run to apply, or newly held events). */
  readonly changed: boolean;
}

const BOOKKEEPING: ReadonlySet<string> = new Set([ATTR.version, ATTR.eventId, ATTR.pending, ATTR.revision]);

/** Time, cause and source of an event held before the mapping kept history: not known any more. */
const UNKNOWN_META: SdkItem = {
  [HISTORY_ATTRIBUTES.at]: { N: '0' },
  [HISTORY_ATTRIBUTES.cause]: { S: 'unknown' },
};

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error ?? 'history items left unwritten'));
}

/** The data attributes of a stored state item (its key included, the sink's bookkeeping left out). */
function dataOf(stored: SdkItem | undefined): SdkItem {
  const data: SdkItem = {};
  for (const [name, value] of Object.entries(stored ?? {})) if (!BOOKKEEPING.has(name)) data[name] = value;
  return data;
}

function storedNumber(item: SdkItem | undefined, name: string): number {
  return Number(item?.[name]?.N ?? 0);
}

function offsetOf(event: VersionedEvent): number[] {
  return event.event ? [event.event.record.offset] : [];
}

function heldEvents(item: SdkItem | undefined): VersionedEvent[] {
  const held = item?.[ATTR.pending]?.M ?? {};
  return Object.entries(held).map(([version, value]) => ({
    version: Number(version),
    eventId: value.M?.id?.S ?? '',
    fields: value.M?.f?.M ?? {},
    ...(value.M?.h?.M ? { meta: value.M.h.M } : {}),
  }));
}

function heldAttribute(events: readonly VersionedEvent[]): AttributeValue {
  const map: SdkItem = {};
  for (const e of events) {
    map[String(e.version)] = {
      M: { id: { S: e.eventId }, f: { M: e.fields }, ...(e.meta ? { h: { M: e.meta } } : {}) },
    };
  }
  return { M: map };
}

function gapError(entity: string, stored: number, event: VersionedEvent, reason: string): PoisonRecordError {
  return new PoisonRecordError(
    POISON_KINDS.versionGap,
    `version gap: entity ${entity} is at version ${stored}, event version ${event.version} ${reason}`,
  );
}

/**
 * Applies a `state` mapping's events to its table.
 *
 * @example
 * ```ts
 * const writer = new StateWriter({ mapping, table });
 * await writer.apply(batch); // v1..v40 of order#7 in one batch → one conditional PutItem
 * ```
 */
export class StateWriter implements MappingWriter {
  readonly #mapping: StateMapping;
  readonly #table: SinkTableConfig;
  readonly #partitionKey: CompiledTemplate;
  readonly #history: StateHistoryWriter | undefined;

  constructor({ mapping, table, tables }: WriterOptions<StateMapping>) {
    this.#mapping = mapping;
    this.#table = table;
    this.#partitionKey = compileTemplate(mapping.partitionKey.template);
    const history = mapping.history;
    if (history) {
      const historyTable = tables?.get(history.table);
      if (!historyTable) {
        throw new Error(`mapping "${mapping.name}": history table "${history.table}" is not declared`);
      }
      this.#history = new StateHistoryWriter({
        history,
        table: historyTable,
        reducer: mapping.reducer ?? CONFIG_DEFAULTS.reducer,
      });
    }
  }

  async apply(batch: MappingBatch): Promise<MappingResult> {
    const entities = new Map<string, Entity>();
    const poison = planEvents(batch.events, (event) => {
      if (event.op === 'd') return;
      const versioned = this.#versioned(event);
      const key = {
        [this.#table.partitionKey.name]: keyFromText(
          this.#table.partitionKey,
          renderKeyTemplate(this.#partitionKey, event),
          'partition',
        ),
      };
      const id = keyId(key, this.#table);
      const entity = entities.get(id) ?? { id, key, events: [] };
      entity.events.push(versioned);
      entities.set(id, entity);
    });
    const list = [...entities.values()];
    const stored = await this.#read(list, batch.requests);
    const historyWritten = await this.#writeHistory(list, stored, batch.requests);
    const results = await mapConcurrently(list, DYNAMO_WRITES.concurrency, (entity) => {
      const read = stored.get(entity.id);
      const failure = read instanceof Error ? read : historyWritten.get(entity.id);
      if (failure instanceof Error || read === undefined || read instanceof Error) {
        const failedAt = Math.min(...entity.events.flatMap(offsetOf));
        return Promise.resolve<EntityResult>({ poison: [], duplicates: [], gaps: 0, failedAt, failure });
      }
      return this.#applyEntity(entity, read.item, batch.requests, failure ?? new Set());
    });
    return { ...mergeKeyResults(poison, results), versionGaps: results.reduce((n, r) => n + r.gaps, 0) };
  }

  #versioned(event: SinkEvent): VersionedEvent {
    const { versionField, eventIdField } = this.#mapping;
    const version = readNumber(event.fields, versionField);
    if (version === undefined) {
      throw new PoisonRecordError(POISON_KINDS.missingField, `version field "${versionField}" is missing`);
    }
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new PoisonRecordError(
        POISON_KINDS.wrongType,
        `version field "${versionField}" must be an integer ≥ 1 (got ${version})`,
      );
    }
    const rawId = eventIdField ? readField(event.fields, eventIdField) : undefined;
    const { topic, partition, offset } = event.record;
    const eventId =
      typeof rawId === 'string' || typeof rawId === 'number'
        ? String(rawId)
        : (event.envelope?.source.eventId ?? `${topic}/${partition}/${offset}`);
    const meta = this.#history?.meta(event);
    return { version, eventId, fields: toSdkItem(event.fields), event, ...(meta ? { meta } : {}) };
  }

  /**
   * Writes the history of every entity's next run of versions, all entities' items together in
   * BatchWriteItem chunks; returns per entity the versions written, or the error that left some unwritten.
   */
  async #writeHistory(
    entities: readonly Entity[],
    stored: ReadonlyMap<string, { item: SdkItem | undefined } | Error>,
    requests: DynamoRequests,
  ): Promise<Map<string, Set<number> | Error>> {
    const out = new Map<string, Set<number> | Error>();
    const history = this.#history;
    if (!history) return out;
    const owner = new Map<string, string>();
    const puts: PendingPut[] = [];
    for (const entity of entities) {
      const read = stored.get(entity.id);
      if (read === undefined || read instanceof Error) continue;
      const plan = this.#plan(entity, read.item);
      const items = this.#historyItems(entity, read.item, plan.run);
      for (const put of items) owner.set(put.id, entity.id);
      puts.push(...items);
      out.set(entity.id, new Set(plan.run.map((e) => e.version)));
    }
    if (puts.length === 0) return out;
    const { unwritten, rejected, failure } = await history.write(requests, puts);
    for (const put of unwritten) out.set(owner.get(put.id) as string, asError(failure));
    // A refused item is retried (and refused again) in the entity's own write, which dead-letters its run.
    for (const { put } of rejected) out.set(owner.get(put.id) as string, new Set());
    return out;
  }

  #historyItems(entity: Entity, stored: SdkItem | undefined, run: readonly VersionedEvent[]): PendingPut[] {
    if (!this.#history || run.length === 0) return [];
    const offset = Math.min(...entity.events.flatMap(offsetOf));
    const versions = run.map((e) => ({ ...e, meta: e.meta ?? UNKNOWN_META }));
    return this.#history.items(entity.key, dataOf(stored), versions, offset);
  }

  /** Reads the entities' items, 100 keys per BatchGetItem; an entity whose read failed maps to the error. */
  async #read(
    entities: readonly Entity[],
    requests: DynamoRequests,
  ): Promise<Map<string, { item: SdkItem | undefined } | Error>> {
    const out = new Map<string, { item: SdkItem | undefined } | Error>();
    const chunks: Entity[][] = [];
    for (let i = 0; i < entities.length; i += DYNAMO_LIMITS.batchGetKeys) {
      chunks.push(entities.slice(i, i + DYNAMO_LIMITS.batchGetKeys));
    }
    const consistent = this.#mapping.consistentRead ?? true;
    await mapConcurrently(chunks, DYNAMO_WRITES.concurrency, async (chunk) => {
      const budget = requests.budget();
      let pending = chunk;
      while (pending.length > 0) {
        try {
          const response = await requests.batchGet({
            RequestItems: {
              [this.#table.name]: { Keys: pending.map((e) => e.key), ConsistentRead: consistent },
            },
          });
          for (const item of response.Responses?.[this.#table.name] ?? []) {
            out.set(keyId(item, this.#table), { item });
          }
          const left = new Set(
            (response.UnprocessedKeys?.[this.#table.name]?.Keys ?? []).map((k) => keyId(k, this.#table)),
          );
          for (const e of pending) if (!left.has(e.id) && !out.has(e.id)) out.set(e.id, { item: undefined });
          pending = pending.filter((e) => left.has(e.id));
          if (pending.length > 0 && !(await budget.wait())) {
            throw new Error(`${pending.length} key(s) left unprocessed by BatchGetItem`);
          }
        } catch (error) {
          for (const e of pending) out.set(e.id, error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
    });
    return out;
  }

  #plan(entity: Entity, stored: SdkItem | undefined): Plan {
    const storedVersion = storedNumber(stored, ATTR.version);
    const byVersion = new Map<number, VersionedEvent>();
    for (const e of heldEvents(stored)) if (e.version > storedVersion) byVersion.set(e.version, e);
    const duplicates: number[] = [];
    for (const e of entity.events) {
      if (e.version <= storedVersion || byVersion.has(e.version)) duplicates.push(...offsetOf(e));
      else byVersion.set(e.version, e);
    }
    const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
    const run: VersionedEvent[] = [];
    for (const e of ordered) {
      if (e.version !== storedVersion + run.length + 1) break;
      run.push(e);
    }
    const rest = ordered.slice(run.length);
    const held = rest.slice(0, DYNAMO_WRITES.maxPendingEvents);
    const overflow = rest.slice(DYNAMO_WRITES.maxPendingEvents).filter((e) => e.event);
    return { run, held, duplicates, overflow, changed: run.length > 0 || held.some((e) => e.event) };
  }

  #item(entity: Entity, stored: SdkItem | undefined, plan: Plan): SdkItem {
    const state: SdkItem = {};
    if (this.#mapping.reducer !== 'replace' || plan.run.length === 0) {
      for (const [name, value] of Object.entries(stored ?? {}))
        if (!BOOKKEEPING.has(name)) state[name] = value;
    }
    for (const e of plan.run) {
      if (this.#mapping.reducer === 'replace') for (const name of Object.keys(state)) delete state[name];
      Object.assign(state, e.fields);
    }
    const last = plan.run[plan.run.length - 1];
    const version = storedNumber(stored, ATTR.version) + plan.run.length;
    Object.assign(state, entity.key, {
      [ATTR.version]: { N: String(version) },
      [ATTR.revision]: { N: String(storedNumber(stored, ATTR.revision) + 1) },
    });
    const eventId = last?.eventId ?? stored?.[ATTR.eventId]?.S;
    if (eventId !== undefined) state[ATTR.eventId] = { S: eventId };
    if (plan.held.length > 0) state[ATTR.pending] = heldAttribute(plan.held);
    return state;
  }

  async #applyEntity(
    entity: Entity,
    read: SdkItem | undefined,
    requests: DynamoRequests,
    historyWritten: Set<number>,
  ): Promise<EntityResult> {
    let stored = read;
    for (let attempt = 0; ; attempt++) {
      const plan = this.#plan(entity, stored);
      const storedVersion = storedNumber(stored, ATTR.version);
      const poison: PoisonFinding[] = plan.overflow.map((e) => ({
        record: (e.event as SinkEvent).record,
        error: gapError(
          entity.id,
          storedVersion,
          e,
          `cannot be held (${DYNAMO_WRITES.maxPendingEvents} already waiting)`,
        ),
      }));
      const gaps = plan.held.filter((e) => e.event).length + plan.overflow.length;
      if (!plan.changed) return { poison, duplicates: plan.duplicates, gaps };
      const item = this.#item(entity, stored, plan);
      const size = itemSizeBytes(item);
      if (size > DYNAMO_LIMITS.itemBytes) {
        const reason = `the entity's item would be ${size} bytes (DynamoDB allows ${DYNAMO_LIMITS.itemBytes})`;
        return {
          poison: [...plan.run, ...plan.held].flatMap((e) =>
            e.event
              ? [{ record: e.event.record, error: new PoisonRecordError(POISON_KINDS.tooLarge, reason) }]
              : [],
          ),
          duplicates: plan.duplicates,
          gaps,
        };
      }
      const unwritten = plan.run.filter((e) => !historyWritten.has(e.version));
      if (this.#history && unwritten.length > 0) {
        const puts = this.#historyItems(entity, stored, plan.run).filter((_put, i) =>
          unwritten.includes(plan.run[i] as VersionedEvent),
        );
        const outcome = await this.#history.write(requests, puts);
        if (outcome.rejected.length > 0) {
          const first = outcome.rejected[0]?.error;
          const reason = `DynamoDB refused the history: ${first instanceof Error ? first.message : String(first)}`;
          return {
            poison: [...plan.run, ...plan.held].flatMap((e) =>
              e.event
                ? [{ record: e.event.record, error: new PoisonRecordError(POISON_KINDS.schema, reason) }]
                : [],
            ),
            duplicates: plan.duplicates,
            gaps,
          };
        }
        if (outcome.unwritten.length > 0) {
          const failedAt = Math.min(...entity.events.flatMap(offsetOf));
          return { poison, duplicates: plan.duplicates, gaps, failedAt, failure: asError(outcome.failure) };
        }
        for (const e of unwritten) historyWritten.add(e.version);
      }
      const revision = stored?.[ATTR.revision];
      try {
        await requests.put({
          TableName: this.#table.name,
          Item: item,
          ConditionExpression: revision ? '#rev = :rev' : 'attribute_not_exists(#rev)',
          ExpressionAttributeNames: { '#rev': ATTR.revision },
          ...(revision ? { ExpressionAttributeValues: { ':rev': revision } } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
        return { poison, duplicates: plan.duplicates, gaps };
      } catch (error) {
        if (isConditionFailure(error) && attempt < SINK_LOOP.maxReplans) {
          stored =
            (error as { Item?: SdkItem }).Item ??
            (await requests.get({ TableName: this.#table.name, Key: entity.key, ConsistentRead: true })).Item;
          continue;
        }
        if (isValidationError(error)) {
          const reason = `DynamoDB refused the state: ${(error as Error).message}`;
          return {
            poison: [...plan.run, ...plan.held].flatMap((e) =>
              e.event
                ? [{ record: e.event.record, error: new PoisonRecordError(POISON_KINDS.schema, reason) }]
                : [],
            ),
            duplicates: plan.duplicates,
            gaps,
          };
        }
        const failedAt = Math.min(...entity.events.flatMap(offsetOf));
        return { poison, duplicates: plan.duplicates, gaps, failedAt, failure: error };
      }
    }
  }
}
