/**
 * `aggregate` mode (materialized views): counters, sums, minimums and maximums per key and time window,
 * pre-aggregated per batch and written with one UpdateItem per key, guarded by a watermark on the item,
 * with the offset runs the item has seen in the same update (the owed ledger: a replay applies a record the
 * watermark passed outside them, claiming it in the write that adds it). How and why: docs/handlers.md,
 * "DynamoDB sink" and "Replay and the owed ledger".
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { CompiledTemplate } from '../../config/keyTemplate';
import { compileTemplate } from '../../config/keyTemplate';
import type { AggregateMapping, AggregateMetric, SinkTableConfig } from '../../config/types';
import { SINK_LOOP } from '../core/sink/constants';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import { formatOffsetRanges, inOffsetRanges, parseOffsetRanges } from '../core/sink/offsetRanges';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { readNumber } from '../core/sink/sinkEvent';
import { DYNAMO_SINK_ATTRIBUTES, DYNAMO_WRITES } from './constants';
import type { OffsetRun } from './coveredRuns';
import { compactRuns, runsExcluding } from './coveredRuns';
import type { DynamoRequests } from './DynamoRequests';
import { isConditionFailure, isValidationError } from './errors';
import { keyFromText, keyId, renderKeyTemplate } from './itemKeys';
import { mapConcurrently } from './mapConcurrently';
import { mergeKeyResults } from './mergeKeyResults';
import { planEvents } from './planEvents';
import type { SdkItem } from './sdkItems';
import type { KeyResult, MappingBatch, MappingResult, MappingWriter, WriterOptions } from './types';

interface Occurrence {
  readonly event: SinkEvent;
  readonly offset: number;
  /** One value per metric (1 for counts); undefined when the event lacks the metric's field. */
  readonly values: readonly (number | undefined)[];
}

interface KeyGroup {
  readonly key: SdkItem;
  readonly occurrences: Occurrence[];
}

/** The name of the watermark attribute of a mapping and partition on an aggregate item. */
export function watermarkAttribute(mapping: string, topic: string, partition: number): string {
  return `${DYNAMO_SINK_ATTRIBUTES.watermarkPrefix}${mapping}#${topic}#${partition}`;
}

/** The names of an item's ledger attributes for a mapping and partition: covered runs and floor. */
function ledgerAttributes(mapping: string, topic: string, partition: number) {
  return {
    covered: `${DYNAMO_SINK_ATTRIBUTES.coveredPrefix}${mapping}#${topic}#${partition}`,
    floor: `${DYNAMO_SINK_ATTRIBUTES.floorPrefix}${mapping}#${topic}#${partition}`,
  };
}

/** What an item's ledger says: its watermark, the runs it has seen and the floor below which it knows nothing. */
interface Ledger {
  readonly watermark: number;
  readonly runs: OffsetRun[];
  readonly floor: number;
  /** The stored runs as stored (the condition of a rewrite); undefined when the item has none. */
  readonly stored: AttributeValue | undefined;
}

function ledgerOf(item: SdkItem | undefined, watermark: string, covered: string, floor: string): Ledger {
  const wm = storedNumber(item, watermark) ?? -1;
  const stored = item?.[covered];
  const runs = parseOffsetRanges((stored?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S])));
  // An item written before the ledger existed knows nothing at or below its watermark.
  const known = storedNumber(item, floor) ?? (stored === undefined ? wm : -1);
  return { watermark: wm, runs, floor: known, stored };
}

function runList(runs: readonly OffsetRun[]): AttributeValue {
  return { L: formatOffsetRanges(runs).map((S) => ({ S })) };
}

function numberValue(n: number): AttributeValue {
  return { N: String(n) };
}

function storedNumber(item: SdkItem | undefined, name: string): number | undefined {
  const text = item?.[name]?.N;
  return text === undefined ? undefined : Number(text);
}

function definedValues(occurrences: readonly Occurrence[], metric: number): number[] {
  return occurrences.flatMap((o) => {
    const value = o.values[metric];
    return value === undefined ? [] : [value];
  });
}

/**
 * Applies an `aggregate` mapping's events to its table.
 *
 * @example
 * ```ts
 * const writer = new AggregateWriter({ mapping, table });
 * await writer.apply(batch); // 10 000 click events over 50 pages → 50 UpdateItem requests
 * ```
 */
export class AggregateWriter implements MappingWriter {
  readonly #mapping: AggregateMapping;
  readonly #table: SinkTableConfig;
  readonly #partitionKey: CompiledTemplate;
  readonly #sortKey: CompiledTemplate | undefined;

  constructor({ mapping, table }: WriterOptions<AggregateMapping>) {
    this.#mapping = mapping;
    this.#table = table;
    this.#partitionKey = compileTemplate(mapping.partitionKey.template);
    this.#sortKey = mapping.sortKey ? compileTemplate(mapping.sortKey.template) : undefined;
  }

  async apply(batch: MappingBatch): Promise<MappingResult> {
    const groups = new Map<string, KeyGroup>();
    const poison = planEvents(batch.events, (event) => {
      if (event.op === 'd') return;
      const key = this.#key(event);
      const values = this.#mapping.metrics.map((metric) =>
        metric.op === 'count' ? 1 : readNumber(event.fields, metric.field as string),
      );
      const id = keyId(key, this.#table);
      const group = groups.get(id) ?? { key, occurrences: [] };
      group.occurrences.push({ event, offset: event.record.offset, values });
      groups.set(id, group);
    });
    const uncovered = [...batch.skippedOffsets, ...poison.map((f) => f.record.offset)];
    const results = await mapConcurrently([...groups.values()], DYNAMO_WRITES.concurrency, (group) =>
      this.#applyKey(group, batch, uncovered),
    );
    return mergeKeyResults(poison, results);
  }

  #key(event: SinkEvent): SdkItem {
    const key: SdkItem = {
      [this.#table.partitionKey.name]: keyFromText(
        this.#table.partitionKey,
        renderKeyTemplate(this.#partitionKey, event),
        'partition',
      ),
    };
    if (this.#sortKey && this.#table.sortKey) {
      key[this.#table.sortKey.name] = keyFromText(
        this.#table.sortKey,
        renderKeyTemplate(this.#sortKey, event),
        'sort',
      );
    }
    return key;
  }

  async #applyKey(group: KeyGroup, batch: MappingBatch, uncovered: readonly number[]): Promise<KeyResult> {
    const watermark = watermarkAttribute(this.#mapping.name, batch.topic, batch.partition);
    const all = group.occurrences;
    let included: readonly Occurrence[] = all;
    let stored: SdkItem | undefined;
    let claimed: readonly Occurrence[] = [];
    let unverified: readonly Occurrence[] = [];
    if (batch.replay) {
      try {
        ({ claimed, unverified, stored } = await this.#claimOwed(group, batch, watermark));
      } catch (error) {
        return { poison: [], duplicates: [], failedAt: (all[0] as Occurrence).offset, failure: error };
      }
      const applied = storedNumber(stored, watermark) ?? -1;
      included = all.filter((o) => o.offset > applied);
    }
    let legacyFloor: number | undefined;
    for (let plan = 0; included.length > 0; plan++) {
      try {
        const output = await batch.requests.update(
          this.#update(group.key, included, watermark, batch, uncovered, legacyFloor),
        );
        stored = output.Attributes;
        await this.#trimLedger(group.key, stored, watermark, batch);
        break;
      } catch (error) {
        if (isConditionFailure(error) && plan < SINK_LOOP.maxReplans) {
          stored = await this.#storedAfterConditionFailure(error, group.key, batch.requests);
          const applied = storedNumber(stored, watermark) ?? -1;
          const { covered } = ledgerAttributes(this.#mapping.name, batch.topic, batch.partition);
          legacyFloor = applied >= 0 && stored?.[covered] === undefined ? applied : undefined;
          included = all.filter((o) => o.offset > applied);
          continue;
        }
        if (isValidationError(error)) {
          const reason = `DynamoDB refused the update: ${(error as Error).message}`;
          return {
            poison: included.map((o) => ({
              record: o.event.record,
              error: new PoisonRecordError(POISON_KINDS.schema, reason),
            })),
            duplicates: [],
          };
        }
        return { poison: [], duplicates: [], failedAt: (included[0] as Occurrence).offset, failure: error };
      }
    }
    const duplicates = all.filter((o) => !included.includes(o) && !claimed.includes(o)).map((o) => o.offset);
    const skippedUnknown = unverified.length > 0 ? { unverified: unverified.map((o) => o.offset) } : {};
    try {
      await this.#improveExtremes(group, stored, batch.requests);
    } catch (error) {
      return { poison: [], duplicates, failedAt: (all[0] as Occurrence).offset, failure: error };
    }
    return { poison: [], duplicates, ...skippedUnknown };
  }

  /**
   * A replay's first step for one item: the occurrences at or below its watermark that its ledger owes are
   * added in one update that also covers them, conditioned on the ledger being as read (a claim another
   * replay took first is read again). Returns them, those below the floor (unknown) and the item as stored.
   */
  async #claimOwed(
    group: KeyGroup,
    batch: MappingBatch,
    watermark: string,
  ): Promise<{ claimed: Occurrence[]; unverified: Occurrence[]; stored: SdkItem | undefined }> {
    const { covered, floor } = ledgerAttributes(this.#mapping.name, batch.topic, batch.partition);
    for (let plan = 0; ; plan++) {
      const read = await batch.requests.get({
        TableName: this.#table.name,
        Key: group.key,
        ConsistentRead: true,
      });
      const stored = read.Item;
      const ledger = ledgerOf(stored, watermark, covered, floor);
      const below = group.occurrences.filter((o) => o.offset <= ledger.watermark);
      const unverified = below.filter((o) => o.offset <= ledger.floor);
      const owed = below.filter((o) => o.offset > ledger.floor && !inOffsetRanges(ledger.runs, o.offset));
      if (owed.length === 0) return { claimed: [], unverified, stored };
      const next = compactRuns(
        [...ledger.runs, ...owed.map((o) => ({ first: o.offset, last: o.offset }))],
        ledger.floor,
        DYNAMO_WRITES.maxCoveredRuns,
      );
      const metrics = this.#metricParts(owed);
      const values: Record<string, AttributeValue> = {
        ...metrics.values,
        ':wmNow': numberValue(ledger.watermark),
        ':runs': runList(next.runs),
        ':floor': numberValue(next.floor),
        ...(ledger.stored ? { ':oldRuns': ledger.stored } : {}),
      };
      const sets = ['#cov = :runs', '#floor = :floor', ...metrics.sets];
      try {
        await batch.requests.update({
          TableName: this.#table.name,
          Key: group.key,
          UpdateExpression: `SET ${sets.join(', ')}${metrics.adds.length > 0 ? ` ADD ${metrics.adds.join(', ')}` : ''}`,
          ConditionExpression: ledger.stored
            ? '#wm = :wmNow AND #cov = :oldRuns'
            : '#wm = :wmNow AND attribute_not_exists(#cov)',
          ExpressionAttributeNames: { ...metrics.names, '#wm': watermark, '#cov': covered, '#floor': floor },
          ExpressionAttributeValues: values,
        });
        return { claimed: owed, unverified, stored };
      } catch (error) {
        if (!isConditionFailure(error) || plan >= SINK_LOOP.maxReplans) throw error;
      }
    }
  }

  /** Rewrites an item's runs merged and capped (the oldest dropped, the floor raised) once they grow past the cap. */
  async #trimLedger(key: SdkItem, stored: SdkItem | undefined, watermark: string, batch: MappingBatch) {
    const { covered, floor } = ledgerAttributes(this.#mapping.name, batch.topic, batch.partition);
    const list = stored?.[covered];
    if (!list?.L || list.L.length <= DYNAMO_WRITES.maxCoveredRuns) return;
    const ledger = ledgerOf(stored, watermark, covered, floor);
    const next = compactRuns(
      ledger.runs,
      storedNumber(stored, floor) ?? -1,
      DYNAMO_WRITES.maxCoveredRuns / 2,
    );
    try {
      await batch.requests.update({
        TableName: this.#table.name,
        Key: key,
        UpdateExpression: 'SET #cov = :runs, #floor = :floor',
        ConditionExpression: '#cov = :oldRuns',
        ExpressionAttributeNames: { '#cov': covered, '#floor': floor },
        ExpressionAttributeValues: {
          ':runs': runList(next.runs),
          ':floor': numberValue(next.floor),
          ':oldRuns': list,
        },
      });
    } catch {
      // The update it follows is applied; a trim that lost a race or failed leaves the list a little
      // longer, and the next write of the item trims it.
    }
  }

  /**
   * The update adding `included` to the item: metrics, the watermark moved to the batch's last offset and
   * the batch's run (minus its poison) appended to the covered runs, if the watermark is below the first
   * included offset. An item written before the ledger existed (`legacyFloor`: its watermark) gets its
   * floor in the same update, so nothing it applied before looks owed.
   */
  #update(
    key: SdkItem,
    included: readonly Occurrence[],
    watermark: string,
    batch: MappingBatch,
    uncovered: readonly number[],
    legacyFloor: number | undefined,
  ): UpdateItemCommandInput {
    const { covered, floor } = ledgerAttributes(this.#mapping.name, batch.topic, batch.partition);
    const metrics = this.#metricParts(included);
    const names: Record<string, string> = { ...metrics.names, '#wm': watermark, '#cov': covered };
    const values: Record<string, AttributeValue> = {
      ...metrics.values,
      ':first': numberValue((included[0] as Occurrence).offset),
      ':last': numberValue(batch.lastOffset),
      ':empty': { L: [] },
      ':runs': runList(runsExcluding(batch.firstOffset, batch.lastOffset, uncovered)),
    };
    const sets = ['#wm = :last', '#cov = list_append(if_not_exists(#cov, :empty), :runs)', ...metrics.sets];
    let condition =
      '(attribute_not_exists(#wm) OR #wm < :first) AND (attribute_exists(#cov) OR attribute_not_exists(#wm))';
    if (legacyFloor !== undefined) {
      names['#floor'] = floor;
      values[':legacyFloor'] = numberValue(legacyFloor);
      sets.push('#floor = :legacyFloor');
      condition = '#wm = :legacyFloor AND attribute_not_exists(#cov)';
    }
    const hasExtremes = this.#mapping.metrics.some((m) => m.op === 'min' || m.op === 'max');
    return {
      TableName: this.#table.name,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}${metrics.adds.length > 0 ? ` ADD ${metrics.adds.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: hasExtremes ? 'ALL_NEW' : 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  /** The SET and ADD clauses adding `included` to the metrics, with their names and values. */
  #metricParts(included: readonly Occurrence[]) {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    const adds: string[] = [];
    this.#mapping.metrics.forEach((metric, i) => {
      const found = definedValues(included, i);
      if (metric.op === 'count') {
        adds.push(`#m${i} :v${i}`);
        values[`:v${i}`] = numberValue(included.length);
      } else if (metric.op === 'sum') {
        adds.push(`#m${i} :v${i}`);
        values[`:v${i}`] = numberValue(found.reduce((a, b) => a + b, 0));
      } else if (found.length > 0) {
        sets.push(`#m${i} = if_not_exists(#m${i}, :v${i})`);
        values[`:v${i}`] = numberValue(metric.op === 'min' ? Math.min(...found) : Math.max(...found));
      } else {
        // DynamoDB refuses expression names the expression does not use.
        return;
      }
      names[`#m${i}`] = metric.name;
    });
    return { names, values, sets, adds };
  }

  /** The stored item as the failed condition saw it; read consistently when the store did not return it. */
  async #storedAfterConditionFailure(
    error: unknown,
    key: SdkItem,
    requests: DynamoRequests,
  ): Promise<SdkItem | undefined> {
    const returned = (error as { Item?: SdkItem }).Item;
    if (returned) return returned;
    const read = await requests.get({ TableName: this.#table.name, Key: key, ConsistentRead: true });
    return read.Item;
  }

  /** Min/max over every event of the key in the batch (idempotent, so already-applied events count too). */
  async #improveExtremes(group: KeyGroup, stored: SdkItem | undefined, requests: DynamoRequests) {
    const metrics: readonly AggregateMetric[] = this.#mapping.metrics;
    for (const [i, metric] of metrics.entries()) {
      if (metric.op !== 'min' && metric.op !== 'max') continue;
      const found = definedValues(group.occurrences, i);
      if (found.length === 0) continue;
      const best = metric.op === 'min' ? Math.min(...found) : Math.max(...found);
      const current = storedNumber(stored, metric.name);
      if (current !== undefined && (metric.op === 'min' ? current <= best : current >= best)) continue;
      try {
        await requests.update({
          TableName: this.#table.name,
          Key: group.key,
          UpdateExpression: 'SET #m = :v',
          ConditionExpression: `attribute_not_exists(#m) OR #m ${metric.op === 'min' ? '>' : '<'} :v`,
          ExpressionAttributeNames: { '#m': metric.name },
          ExpressionAttributeValues: { ':v': numberValue(best) },
        });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}
