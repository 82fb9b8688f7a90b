/**
 * The slice of the pipeline config each handler receives in `STREAMBRIDGE_CONFIG`: only what it needs,
 * so a handler never sees other handlers' settings and its environment stays small.
 *
 * @example
 * ```ts
 * const env = { STREAMBRIDGE_CONFIG: JSON.stringify(changeBridgeSlice(config, 'kinesis')) };
 * ```
 */
import { CONFIG_DEFAULTS } from './constants';
import type { DynamoSinkConfig, PipelineConfig, RedisSinkConfig, SourceTableConfig } from './types';
import type { ChangeBridgeSlice } from './validatePipelineConfig';

/** Which path a source table's changes take (DynamoDB Streams unless configured otherwise). */
export function sourcePath(source: SourceTableConfig): 'dynamodb-streams' | 'kinesis' {
  return source.via ?? CONFIG_DEFAULTS.via;
}

export function changeBridgeSlice(
  config: PipelineConfig,
  via: 'dynamodb-streams' | 'kinesis',
): ChangeBridgeSlice {
  // Where an existing table's stream is matters to the stacks only, not to the bridge reading it.
  const sources = config.sources
    .filter((source) => sourcePath(source) === via)
    .map(({ existing: _, ...source }) => source);
  const used = new Set(sources.flatMap((s) => [s.topic, ...Object.values(s.routeBy?.topics ?? {})]));
  return { sources, topics: config.topics.filter((topic) => used.has(topic.name)) };
}

export function redisSinkSlice(config: PipelineConfig): RedisSinkConfig | undefined {
  return config.sinks.redis;
}

export function dynamoSinkSlice(config: PipelineConfig): DynamoSinkConfig | undefined {
  return config.sinks.dynamodb;
}
