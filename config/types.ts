/**
 * The typed pipeline definition, derived from the schema in `schema.ts` (the one place the shape is
 * written). One object (`streambridge.config.ts` at the repository root) says which tables are sources,
 * which topics exist and which topic feeds which sink with what mapping; see docs/configuration.md.
 */
import type { Static, TSchema } from 'typebox';
import type * as S from './schema';

export type { FilterPattern } from './schema';

/** A config is read, never changed: every field and list of the static types is readonly. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The readonly static type of a schema. */
type Config<T extends TSchema> = DeepReadonly<Static<T>>;

export type AttributeDefinition = Config<typeof S.AttributeDefinitionSchema>;
/** Settings of one Lambda event source mapping; `parallelizationFactor` applies to stream sources only. */
export type EventSourceSettings = Config<typeof S.EventSourceSettingsSchema>;
export type SourceTableConfig = Config<typeof S.SourceTableSchema>;
export type GovernanceConfig = Config<typeof S.GovernanceSchema>;
export type TopicConfig = Config<typeof S.TopicSchema>;

export type SessionMapping = Config<typeof S.SessionMappingSchema>;
export type CounterMapping = Config<typeof S.CounterMappingSchema>;
export type LeaderboardMapping = Config<typeof S.LeaderboardMappingSchema>;
export type UniqueMapping = Config<typeof S.UniqueMappingSchema>;
export type CacheMapping = Config<typeof S.CacheMappingSchema>;
export type StreamMapping = Config<typeof S.StreamMappingSchema>;
export type ListMapping = Config<typeof S.ListMappingSchema>;
export type ThresholdMapping = Config<typeof S.ThresholdMappingSchema>;
export type RedisMapping = Config<typeof S.RedisMappingSchema>;

/** Fields common to every sink mapping. */
export type MappingBase = Pick<RedisMapping | DynamoMapping, 'name' | 'topic' | 'filter'>;

export type KeyAttributeTemplate = Config<typeof S.KeyAttributeTemplateSchema>;
export type TimeSeriesMapping = Config<typeof S.TimeSeriesMappingSchema>;
export type AggregateMetric = Config<typeof S.AggregateMetricSchema>;
export type AggregateMapping = Config<typeof S.AggregateMappingSchema>;
export type StateHistory = Config<typeof S.StateHistorySchema>;
export type StateMapping = Config<typeof S.StateMappingSchema>;
export type UpsertMapping = Config<typeof S.UpsertMappingSchema>;
export type FunnelConfig = Config<typeof S.FunnelSchema>;
export type SessionsMapping = Config<typeof S.SessionsMappingSchema>;
export type DynamoMapping = Config<typeof S.DynamoMappingSchema>;

export type SinkTableConfig = Config<typeof S.SinkTableSchema>;
export type RedisSinkConfig = Config<typeof S.RedisSinkSchema>;
export type DynamoSinkConfig = Config<typeof S.DynamoSinkSchema>;
export type KafkaClusterConfig = Config<typeof S.KafkaClusterSchema>;
export type ExistingKafkaConfig = Config<typeof S.ExistingKafkaSchema>;
export type ExistingMskConfig = Config<typeof S.ExistingMskSchema>;
export type ExistingSelfManagedKafkaConfig = Config<typeof S.ExistingSelfManagedKafkaSchema>;
export type ExistingCacheConfig = Config<typeof S.ExistingCacheSchema>;
export type ExistingNetworkConfig = Config<typeof S.ExistingNetworkSchema>;
export type CacheClusterConfig = Config<typeof S.CacheClusterSchema>;
export type NetworkConfig = Config<typeof S.NetworkSchema>;
export type AlarmSubscription = Config<typeof S.AlarmSubscriptionSchema>;
export type AlarmsConfig = Config<typeof S.AlarmsSchema>;
export type FailureRecordsConfig = Config<typeof S.FailureRecordsSchema>;
export type PipelineConfig = Config<typeof S.PipelineConfigSchema>;
