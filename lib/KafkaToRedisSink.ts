import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { RedisSinkConfig, ThresholdMapping } from '../config/types';
import { THRESHOLD_DEFAULTS } from '../lambdas/kafka-to-redis/thresholds/constants';
import { HANDLERS } from './constants';
import { kafkaProducerEnvironment, redisEnvironment } from './handlerEnvironment';
import { KafkaSinkBase, type KafkaSinkBaseProps } from './KafkaSinkBase';
import { grantKafkaProduce } from './kafkaPermissions';
import { addScheduledInvocation } from './scheduledInvocations';
import { grantExistingSecretDecrypt } from './secretGrants';
import type { CacheAccess } from './types';

export interface KafkaToRedisSinkProps extends KafkaSinkBaseProps {
  readonly sink: RedisSinkConfig;
  readonly cache: CacheAccess;
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
export class KafkaToRedisSink extends KafkaSinkBase {
  constructor(scope: Construct, id: string, props: KafkaToRedisSinkProps) {
    const thresholds = props.sink.mappings.filter(
      (mapping): mapping is ThresholdMapping => mapping.operation === 'threshold',
    );
    super(scope, id, props, {
      handler: HANDLERS.kafkaToRedis,
      sink: props.sink,
      // Threshold mappings produce their alerts: the producer's brokers and auth, never a secret's value.
      environment: {
        ...redisEnvironment(props.cache),
        ...(thresholds.length > 0 ? kafkaProducerEnvironment(props.kafka) : {}),
      },
      grantWrite: (role) => {
        props.cache.secret.grantRead(role);
        grantExistingSecretDecrypt(role, props.cache.secret);
      },
    });
    if (thresholds.length === 0) return;
    const alertTopics = [...new Set(thresholds.map((mapping) => mapping.alertTopic))];
    grantKafkaProduce(this, this.bridge.role, props.kafka, alertTopics);
    for (const mapping of thresholds) {
      if (mapping.silenceSeconds === undefined) continue;
      addScheduledInvocation(this, this.bridge.function, {
        schedule: events.Schedule.expression(mapping.schedule ?? THRESHOLD_DEFAULTS.schedule),
        mapping: mapping.name,
      });
    }
  }
}
