import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RedisSinkConfig } from '../lambdas/core/config/types';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import { HANDLERS } from './constants';
import { redisEnvironment } from './handlerEnvironment';
import { addKafkaEventSources } from './kafkaEventSources';
import type { CacheAccess, FunctionPlacement, KafkaAccess } from './types';

export interface KafkaToRedisSinkProps {
  readonly functionName: string;
  readonly sink: RedisSinkConfig;
  readonly kafka: KafkaAccess;
  readonly cache: CacheAccess;
  readonly placement: FunctionPlacement;
  /** Event source mappings with the same poller group share provisioned poller capacity. */
  readonly pollerGroupName: string;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly onFailureQueue?: sqs.IQueue;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/**
 * Kafka → Valkey/Redis: the kafka-to-redis handler subscribed to every topic of its mappings (provisioned
 * pollers, partial batch responses, bisect, finite retries and record age, an on-failure queue), with the
 * cache endpoint, TLS and credentials secret in its environment and read access to that secret only.
 *
 * @example
 * ```ts
 * new KafkaToRedisSink(this, 'RedisSink', {
 *   functionName: 'shop-kafka-to-redis', sink: config.sinks.redis, kafka: cluster.access,
 *   cache: cache.access, placement, pollerGroupName: 'shop-kafka-sinks',
 * });
 * ```
 */
export class KafkaToRedisSink extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: KafkaToRedisSinkProps) {
    super(scope, id);
    const queues = BridgeQueues.orGiven(this, props);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    this.bridge = new BridgeFunction(this, 'Handler', {
      handler: HANDLERS.kafkaToRedis,
      functionName: props.functionName,
      placement: props.placement,
      config: props.sink,
      deadLetterQueue: this.deadLetterQueue,
      environment: redisEnvironment(props.cache),
      functionProps: props.functionProps,
    });
    props.cache.secret.grantRead(this.bridge.role);
    this.eventSourceMappings = addKafkaEventSources(this, this.bridge, {
      kafka: props.kafka,
      consumerGroup: props.sink.consumerGroup,
      mappings: props.sink.mappings,
      eventSource: props.sink.eventSource,
      onFailureQueue: this.onFailureQueue,
      pollerGroupName: props.pollerGroupName,
    });
  }
}
