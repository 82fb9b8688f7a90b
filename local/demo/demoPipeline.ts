/**
 * The parts of the pipeline config the demo drives and checks: each sink mapping it expects, found by
 * topic and operation, with its key templates compiled. The tally and the read side render keys with the
 * same templates the sinks use, so a key template edited in the config is followed automatically.
 *
 * @example
 * ```ts
 * const pipeline = demoPipeline(config);
 * pipeline.redis.counter.key.render({ fields: { page: 'home', ts: Date.now() }, meta: {} });
 * ```
 */

import type { CompiledTemplate } from '../../config/keyTemplate';
import { compileTemplate } from '../../config/keyTemplate';
import type {
  AggregateMapping,
  CacheMapping,
  CounterMapping,
  DynamoMapping,
  LeaderboardMapping,
  PipelineConfig,
  RedisMapping,
  SessionMapping,
  SessionsMapping,
  SinkTableConfig,
  SourceTableConfig,
  StateMapping,
  StreamMapping,
  ThresholdMapping,
  TimeSeriesMapping,
  UniqueMapping,
  UpsertMapping,
} from '../../config/types';
import type { StateHistoryTable } from '../../lambdas/kafka-to-dynamodb/readStateHistory';
import { DEMO_SOURCES } from './constants';
import { DemoConfigError } from './errors';

export interface DemoPipeline {
  readonly sources: {
    readonly telemetry: SourceTableConfig;
    readonly sessions: SourceTableConfig;
    readonly products: SourceTableConfig;
    readonly orders: SourceTableConfig;
  };
  readonly clickTopic: string;
  /** Where the sensors' readings go (the threshold mapping's topic). */
  readonly readingTopic: string;
  readonly redis: {
    readonly session: SessionMapping & { readonly keyT: CompiledTemplate };
    readonly counter: CounterMapping & { readonly keyT: CompiledTemplate };
    readonly leaderboard: LeaderboardMapping & {
      readonly keyT: CompiledTemplate;
      readonly memberT: CompiledTemplate;
    };
    readonly unique: UniqueMapping & { readonly keyT: CompiledTemplate; readonly elementT: CompiledTemplate };
    readonly cache: CacheMapping & { readonly keyT: CompiledTemplate };
    readonly stream: StreamMapping & { readonly keyT: CompiledTemplate };
    readonly threshold: ThresholdMapping & { readonly keyT: CompiledTemplate };
  };
  readonly dynamodb: {
    /** The clickstream's sessions and funnel (with its table), when the pipeline has one. */
    readonly sessions?: SessionsMapping & { readonly tableConfig: SinkTableConfig };
    readonly series: TimeSeriesMapping & { readonly pkT: CompiledTemplate; readonly sortKeyName?: string };
    readonly aggregate: AggregateMapping & {
      readonly pkT: CompiledTemplate;
      readonly skT?: CompiledTemplate;
      readonly countMetric: string;
      readonly quantityMetric?: string;
    };
    readonly state: StateMapping & {
      readonly pkT: CompiledTemplate;
      /** The state's history table, when the mapping keeps history. */
      readonly historyTable?: StateHistoryTable;
    };
    readonly replica: UpsertMapping & { readonly partitionKey: string };
  };
  /** Kafka consumer groups of the two sinks (for lag). */
  readonly consumerGroups: { readonly redis: string; readonly dynamodb: string };
}

function source(config: PipelineConfig, name: string): SourceTableConfig {
  const found = config.sources.find((s) => s.name === name);
  if (!found) throw new DemoConfigError(`no source table "${name}" in sources`);
  return found;
}

function redisMapping<O extends RedisMapping['operation']>(
  config: PipelineConfig,
  topic: string,
  operation: O,
): Extract<RedisMapping, { operation: O }> & { keyT: CompiledTemplate } {
  const found = config.sinks.redis?.mappings.find((m) => m.topic === topic && m.operation === operation);
  if (!found) throw new DemoConfigError(`no redis "${operation}" mapping on topic "${topic}"`);
  const mapping = found as Extract<RedisMapping, { operation: O }>;
  return { ...mapping, keyT: compileTemplate(mapping.key) };
}

function dynamoMapping<M extends DynamoMapping['mode']>(
  config: PipelineConfig,
  topic: string,
  mode: M,
): Extract<DynamoMapping, { mode: M }> {
  const found = config.sinks.dynamodb?.mappings.find((m) => m.topic === topic && m.mode === mode);
  if (!found) throw new DemoConfigError(`no dynamodb "${mode}" mapping on topic "${topic}"`);
  return found as Extract<DynamoMapping, { mode: M }>;
}

export function demoPipeline(config: PipelineConfig): DemoPipeline {
  const sources = {
    telemetry: source(config, DEMO_SOURCES.telemetry),
    sessions: source(config, DEMO_SOURCES.sessions),
    products: source(config, DEMO_SOURCES.products),
    orders: source(config, DEMO_SOURCES.orders),
  };
  const clickTopic = DEMO_SOURCES.clickstream;
  if (!config.topics.some((t) => t.name === clickTopic))
    throw new DemoConfigError(`no topic "${clickTopic}"`);
  const readingTopic = DEMO_SOURCES.readings;
  const leaderboard = redisMapping(config, clickTopic, 'leaderboard');
  const unique = redisMapping(config, clickTopic, 'unique');
  const aggregate = dynamoMapping(config, clickTopic, 'aggregate');
  const countMetric = aggregate.metrics.find((m) => m.op === 'count')?.name;
  if (!countMetric) throw new DemoConfigError(`aggregate mapping "${aggregate.name}" has no count metric`);
  const quantityMetric = aggregate.metrics.find((m) => m.op === 'sum' && m.field === 'quantity')?.name;
  const series = dynamoMapping(config, sources.telemetry.topic, 'timeseries');
  const state = dynamoMapping(config, sources.orders.topic, 'state');
  const replica = dynamoMapping(config, sources.products.topic, 'upsert');
  const replicaTable = config.sinks.dynamodb?.tables.find((t) => t.name === replica.table);
  if (!replicaTable) throw new DemoConfigError(`no dynamodb sink table "${replica.table}"`);
  return {
    sources,
    clickTopic,
    readingTopic,
    redis: {
      session: redisMapping(config, sources.sessions.topic, 'session'),
      counter: redisMapping(config, clickTopic, 'counter'),
      leaderboard: { ...leaderboard, memberT: compileTemplate(leaderboard.member) },
      unique: { ...unique, elementT: compileTemplate(unique.element) },
      cache: redisMapping(config, sources.products.topic, 'cache'),
      stream: redisMapping(config, sources.telemetry.topic, 'stream'),
      threshold: redisMapping(config, readingTopic, 'threshold'),
    },
    dynamodb: {
      ...sessionsOf(config, clickTopic),
      series: {
        ...series,
        pkT: compileTemplate(series.partitionKey.template),
        sortKeyName: config.sinks.dynamodb?.tables.find((t) => t.name === series.table)?.sortKey?.name,
      },
      aggregate: {
        ...aggregate,
        pkT: compileTemplate(aggregate.partitionKey.template),
        skT: aggregate.sortKey ? compileTemplate(aggregate.sortKey.template) : undefined,
        countMetric,
        quantityMetric,
      },
      state: {
        ...state,
        pkT: compileTemplate(state.partitionKey.template),
        ...historyTableOf(config, state),
      },
      replica: { ...replica, partitionKey: replicaTable.partitionKey.name },
    },
    consumerGroups: {
      redis: config.sinks.redis?.consumerGroup ?? '',
      dynamodb: config.sinks.dynamodb?.consumerGroup ?? '',
    },
  };
}

/** The clickstream's `sessions` mapping, which must read the fields the demo's clicks carry. */
function sessionsOf(config: PipelineConfig, clickTopic: string): Pick<DemoPipeline['dynamodb'], 'sessions'> {
  const found = config.sinks.dynamodb?.mappings.find((m) => m.topic === clickTopic && m.mode === 'sessions');
  if (!found) return {};
  const mapping = found as SessionsMapping;
  if (
    mapping.userField !== 'userId' ||
    mapping.timestampField !== 'ts' ||
    (mapping.funnel && mapping.funnel.stepField !== 'action')
  )
    throw new DemoConfigError(
      `sessions mapping "${mapping.name}": the demo's clicks carry userId, ts and action (userField, timestampField, funnel.stepField)`,
    );
  const tableConfig = config.sinks.dynamodb?.tables.find((t) => t.name === mapping.table);
  if (!tableConfig) throw new DemoConfigError(`no dynamodb sink table "${mapping.table}"`);
  return { sessions: { ...mapping, tableConfig } };
}

function historyTableOf(config: PipelineConfig, state: StateMapping): { historyTable?: StateHistoryTable } {
  if (!state.history) return {};
  const table = config.sinks.dynamodb?.tables.find((t) => t.name === state.history?.table);
  if (!table?.sortKey)
    throw new DemoConfigError(`no dynamodb sink table "${state.history.table}" with a sort key`);
  return {
    historyTable: { name: table.name, partitionKey: table.partitionKey.name, sortKey: table.sortKey.name },
  };
}

/** Renders a template over plain fields (no Kafka metadata). */
export function renderKey(template: CompiledTemplate, fields: Readonly<Record<string, unknown>>): string {
  return template.render({ fields, meta: {} });
}
