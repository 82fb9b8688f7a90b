import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { RedisSinkConfig, ThresholdMapping } from '../config/types';
import { HANDLER_ENV } from '../lambdas/core/constants';
import { THRESHOLD_DEFAULTS } from '../lambdas/kafka-to-redis/thresholds/constants';
import { HANDLERS } from './constants';
import { alertTopicDefaults } from './defaults/alertTopicDefaults';
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
 * Threshold mappings with `alertSns` get their SNS topic (created KMS-encrypted and TLS-only, or the
 * existing one by ARN) and exactly `sns:Publish` on it; the ARNs are in `ALERT_SNS_TOPIC_ARNS`.
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
  /** Threshold mapping name → the SNS topic its alerts are published to (created or existing). */
  readonly alertSnsTopics: ReadonlyMap<string, sns.ITopic>;

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
    this.alertSnsTopics = this.#alertSnsTopics(thresholds);
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

  #alertSnsTopics(thresholds: readonly ThresholdMapping[]): ReadonlyMap<string, sns.ITopic> {
    const topics = new Map<string, sns.ITopic>();
    for (const mapping of thresholds) {
      const settings = mapping.alertSns;
      if (!settings) continue;
      const topic = settings.existingTopicArn
        ? sns.Topic.fromTopicArn(this, `AlertSns-${mapping.name}`, settings.existingTopicArn)
        : new sns.Topic(this, `AlertSns-${mapping.name}`, {
            ...alertTopicDefaults(this),
            ...(settings.topicName ? { topicName: settings.topicName } : {}),
          });
      // Exactly Publish on this topic: no Subscribe, no topic attributes.
      this.bridge.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
      );
      topics.set(mapping.name, topic);
    }
    if (topics.size > 0) {
      const arns = Object.fromEntries([...topics].map(([name, topic]) => [name, topic.topicArn]));
      this.bridge.function.addEnvironment(HANDLER_ENV.alertSnsTopicArns, Stack.of(this).toJsonString(arns));
    }
    return topics;
  }
}
