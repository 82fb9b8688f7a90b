/**
 * `aggregate` mode (materialized views): counters, sums, minimums and maximums per key and time window,
 * pre-aggregated per batch and written with one UpdateItem per key, guarded by a watermark on the item.
 * How and why: docs/handlers.md, "DynamoDB sink".
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { CompiledTemplate } from '../../config/keyTemplate';
import { compileTemplate } from '../../config/keyTemplate';
import type { AggregateMapping, AggregateMetric, SinkTableConfig } from '../../config/types';
import { SINK_LOOP } from '../core/sink/constants';
import { POISON_KINDS, PoisonRecordError } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import { readNumber } from '../core/sink/sinkEvent';
import { DYNAMO_SINK_ATTRIBUTES, DYNAMO_WRITES } from './constants';
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
    const results = await mapConcurrently([...groups.values()], DYNAMO_WRITES.concurrency, (group) =>
      this.#applyKey(group, batch),
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

  async #applyKey(group: KeyGroup, batch: MappingBatch): Promise<KeyResult> {
    const watermark = watermarkAttribute(this.#mapping.name, batch.topic, batch.partition);
    const all = group.occurrences;
    let included: readonly Occurrence[] = all;
    let stored: SdkItem | undefined;
    for (let plan = 0; included.length > 0; plan++) {
      try {
        const output = await batch.requests.update(this.#update(group.key, included, watermark, batch));
        stored = output.Attributes;
        break;
      } catch (error) {
        if (isConditionFailure(error) && plan < SINK_LOOP.maxReplans) {
          stored = await this.#storedAfterConditionFailure(error, group.key, batch.requests);
          const applied = storedNumber(stored, watermark) ?? -1;
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
    const duplicates = all.filter((o) => !included.includes(o)).map((o) => o.offset);
    try {
      await this.#improveExtremes(group, stored, batch.requests);
    } catch (error) {
      return { poison: [], duplicates, failedAt: (all[0] as Occurrence).offset, failure: error };
    }
    return { poison: [], duplicates };
  }

  #update(
    key: SdkItem,
    included: readonly Occurrence[],
    watermark: string,
    batch: MappingBatch,
  ): UpdateItemCommandInput {
    const names: Record<string, string> = { '#wm': watermark };
    const values: Record<string, AttributeValue> = {
      ':first': numberValue((included[0] as Occurrence).offset),
      ':last': numberValue(batch.lastOffset),
    };
    const sets = ['#wm = :last'];
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
    const hasExtremes = this.#mapping.metrics.some((m) => m.op === 'min' || m.op === 'max');
    return {
      TableName: this.#table.name,
      Key: key,
      UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
      ConditionExpression: 'attribute_not_exists(#wm) OR #wm < :first',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: hasExtremes ? 'ALL_NEW' : 'NONE',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
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
