import type { Construct } from 'constructs';
import type { RedisSinkConfig } from '../config/types';
import { HANDLERS } from './constants';
import { redisEnvironment } from './handlerEnvironment';
import { KafkaSinkBase, type KafkaSinkBaseProps } from './KafkaSinkBase';
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
    super(scope, id, props, {
      handler: HANDLERS.kafkaToRedis,
      sink: props.sink,
      environment: redisEnvironment(props.cache),
      grantWrite: (role) => {
        props.cache.secret.grantRead(role);
        grantExistingSecretDecrypt(role, props.cache.secret);
      },
    });
  }
}
