/**
 * The public entry of the `streambridge` package: the constructs, the two-stack app built from them, the
 * pipeline config's types and validation. Use the constructs in your own stack, on our defaults or on
 * your existing resources (see examples/).
 *
 * @example
 * ```ts
 * import { DynamoToKafkaBridge, KafkaBootstrapBrokers, validateChangeBridgeSlice } from 'streambridge';
 * ```
 */

export { ConfigError } from '../config/errors';
export { changeBridgeSlice, dynamoSinkSlice, redisSinkSlice, sourcePath } from '../config/handlerSlices';
export type {
  AggregateMapping,
  AggregateMetric,
  AlarmSubscription,
  AlarmsConfig,
  AttributeDefinition,
  CacheClusterConfig,
  CacheMapping,
  CounterMapping,
  DynamoMapping,
  DynamoSinkConfig,
  EventSourceSettings,
  ExistingCacheConfig,
  ExistingKafkaConfig,
  ExistingMskConfig,
  ExistingNetworkConfig,
  ExistingSelfManagedKafkaConfig,
  FilterPattern,
  GovernanceConfig,
  KafkaClusterConfig,
  KeyAttributeTemplate,
  LeaderboardMapping,
  ListMapping,
  MappingBase,
  NetworkConfig,
  PipelineConfig,
  RedisMapping,
  RedisSinkConfig,
  SessionMapping,
  SinkTableConfig,
  SourceTableConfig,
  StateMapping,
  StreamMapping,
  TimeSeriesMapping,
  TopicConfig,
  UniqueMapping,
  UpsertMapping,
} from '../config/types';
export {
  type ChangeBridgeSlice,
  validateChangeBridgeSlice,
  validateDynamoSinkSlice,
  validatePipelineConfig,
  validateRedisSinkSlice,
} from '../config/validatePipelineConfig';

export { BridgeFunction, type BridgeFunctionProps } from './BridgeFunction';
export { BridgeQueues, type BridgeQueuesProps } from './BridgeQueues';
export { CacheCluster, type CacheClusterProps, type CacheEndpoint } from './CacheCluster';
export type { ChangeBridgeBase, ChangeBridgeBaseProps } from './ChangeBridgeBase';
export { ChangeSourceTable, type ChangeSourceTableProps } from './ChangeSourceTable';
export { CACHE_PORT, type FunctionHandler, HANDLERS, type HandlerName, KAFKA_PORTS } from './constants';
export { DynamoToKafkaBridge, type DynamoToKafkaBridgeProps } from './DynamoToKafkaBridge';
export { InsecureOverrideError } from './errors';
export { KafkaBootstrapBrokers, type KafkaBootstrapBrokersProps } from './KafkaBootstrapBrokers';
export { KafkaCluster, type KafkaClusterProps } from './KafkaCluster';
export type { KafkaSinkBase, KafkaSinkBaseProps } from './KafkaSinkBase';
export { KafkaToDynamoSink, type KafkaToDynamoSinkProps } from './KafkaToDynamoSink';
export { KafkaToRedisSink, type KafkaToRedisSinkProps } from './KafkaToRedisSink';
export { KinesisToKafkaBridge, type KinesisToKafkaBridgeProps } from './KinesisToKafkaBridge';
export { PipelineBridgesStack, type PipelineBridgesStackProps } from './PipelineBridgesStack';
export { PipelineDataStack, type PipelineDataStackProps } from './PipelineDataStack';
export { StreamingNetwork, type StreamingNetworkProps } from './StreamingNetwork';
export {
  type BuildAppOptions,
  buildApp,
  RETAIN_DATA_CONTEXT,
  type StreambridgeApp,
} from './streambridgeApp';
export type { CacheAccess, FunctionPlacement, KafkaAccess } from './types';
