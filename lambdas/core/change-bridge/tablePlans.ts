/**
 * What a change bridge does with each source table, compiled once per cold start from its config slice:
 * topic routing (per table, optionally by an attribute of the item), the Kafka key mode, the governance
 * hooks, and each topic's size limit.
 *
 * @example
 * ```ts
 * const plans = compileTablePlans(slice, { salt: '' });
 * const plan = plans.tables.get('orders');
 * plan?.topicFor(change); // 'orders.changes', or a routeBy topic
 * ```
 */

import type { SourceTableConfig } from '../../../config/types';
import type { ChangeBridgeSlice } from '../../../config/validatePipelineConfig';
import { compiledJsonItemText } from '../envelope/compiledItemText';
import { ENVELOPE_DEFAULTS } from '../envelope/constants';
import type { ItemTextWriter } from '../envelope/itemText';
import { jsonItemText } from '../envelope/itemText';
import type { DynamoDbChange, EnvelopeWriter } from '../envelope/types';
import { RECORD_SIZES } from '../kafka/constants';
import { compileGovernance, type TableGovernance } from './governance';

export interface TablePlan {
  readonly config: SourceTableConfig;
  readonly partitionKey: string;
  readonly keyMode: 'partitionKey' | 'primaryKey';
  readonly governance: TableGovernance;
  /** Writes the envelope's images as text (tables without governance hooks): general or compiled writer. */
  readonly itemText: ItemTextWriter;
  /** The topic of a change: `routeBy.topics[value]` when the item's attribute matches, else `topic`. */
  topicFor(change: DynamoDbChange): string;
}

export interface TablePlans {
  readonly tables: ReadonlyMap<string, TablePlan>;
  /** `maxMessageBytes` of a topic (Kafka's default `message.max.bytes` when the config is silent). */
  maxMessageBytes(topic: string): number;
  /** Provisioned partition count of a topic (1 for a topic the config does not declare). */
  partitions(topic: string): number;
}

/** The routing value of an item's attribute: a string or number as its text; anything else does not route. */
function routeValue(change: DynamoDbChange, attribute: string): string | undefined {
  const value = (change.newImage ?? change.oldImage)?.[attribute] as Record<string, unknown> | undefined;
  if (typeof value?.S === 'string') return value.S;
  if (typeof value?.N === 'string') return value.N;
  return undefined;
}

export interface TablePlanOptions {
  /** Salt of the governance hashes (`GOVERNANCE_HASH_SALT`). */
  readonly salt: string;
  /** Who writes the envelope text (`STREAMBRIDGE_ENVELOPE_WRITER`); default `ENVELOPE_DEFAULTS.writer`. */
  readonly envelopeWriter?: EnvelopeWriter;
}

/** The one place the envelope writer switch takes effect. */
const ITEM_TEXT_WRITERS: Readonly<Record<EnvelopeWriter, ItemTextWriter>> = {
  compiled: compiledJsonItemText,
  general: jsonItemText,
};

function planOf(config: SourceTableConfig, salt: string, itemText: ItemTextWriter): TablePlan {
  const routeBy = config.routeBy;
  return {
    config,
    partitionKey: config.partitionKey.name,
    keyMode: config.kafkaKey ?? 'partitionKey',
    governance: compileGovernance(config.name, config.governance, { salt }),
    itemText,
    topicFor: routeBy
      ? (change) => {
          const value = routeValue(change, routeBy.attribute);
          return value !== undefined && Object.hasOwn(routeBy.topics, value)
            ? (routeBy.topics[value] as string)
            : config.topic;
        }
      : () => config.topic,
  };
}

export function compileTablePlans(slice: ChangeBridgeSlice, options: TablePlanOptions): TablePlans {
  const itemText = ITEM_TEXT_WRITERS[options.envelopeWriter ?? ENVELOPE_DEFAULTS.writer];
  const tables = new Map(
    slice.sources.map((source) => [source.name, planOf(source, options.salt, itemText)]),
  );
  const limits = new Map(
    slice.topics.map((topic) => [topic.name, topic.maxMessageBytes ?? RECORD_SIZES.defaultMaxMessageBytes]),
  );
  const partitions = new Map(slice.topics.map((topic) => [topic.name, topic.partitions]));
  return {
    tables,
    maxMessageBytes: (topic) => limits.get(topic) ?? RECORD_SIZES.defaultMaxMessageBytes,
    partitions: (topic) => partitions.get(topic) ?? 1,
  };
}
