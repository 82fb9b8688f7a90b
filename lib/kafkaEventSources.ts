import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventSourceSettings, MappingBase } from '../config/types';
import type { BridgeFunction } from './BridgeFunction';
import { kafkaConsumerGroupId, kafkaEventSourceOptions } from './defaults/eventSourceDefaults';
import { grantKafkaConsume } from './kafkaPermissions';
import type { KafkaAccess } from './types';

export interface KafkaSinkSources {
  readonly kafka: KafkaAccess;
  readonly consumerGroup: string;
  readonly mappings: readonly MappingBase[];
  readonly eventSource?: EventSourceSettings;
  readonly onFailureQueue: sqs.IQueue;
  readonly pollerGroupName: string;
}

/**
 * Subscribes a Kafka sink to every topic its mappings read: one MSK event source mapping per topic (Lambda
 * reads one topic per mapping) with consumer group `<consumerGroup>.<topic>`, and the consume permissions
 * for exactly those topics and groups.
 *
 * @example
 * ```ts
 * addKafkaEventSources(this, bridge, { kafka, consumerGroup: 'shop-redis', mappings, onFailureQueue, pollerGroupName: 'shop' });
 * ```
 */
export function addKafkaEventSources(
  scope: Construct,
  bridge: BridgeFunction,
  sources: KafkaSinkSources,
): lambda.EventSourceMapping[] {
  const topics = [...new Set(sources.mappings.map((mapping) => mapping.topic))];
  const groups = topics.map((topic) => kafkaConsumerGroupId(sources.consumerGroup, topic));
  grantKafkaConsume(scope, bridge.role, sources.kafka, topics, groups);
  const onFailure = new SqsDlq(sources.onFailureQueue);
  const access = sources.kafka.scramSecret
    ? [
        {
          type: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH,
          uri: sources.kafka.scramSecret.secretArn,
        },
      ]
    : undefined;
  return topics.map((topic, i) => {
    const mapping = new lambda.EventSourceMapping(scope, `Topic-${topic}`, {
      target: bridge.function,
      ...kafkaEventSourceOptions(
        {
          clusterArn: sources.kafka.clusterArn,
          topic,
          consumerGroupId: groups[i] as string,
          pollerGroupName: sources.pollerGroupName,
          ...(access ? { sourceAccessConfigurations: access } : {}),
        },
        sources.eventSource,
        onFailure,
      ),
    });
    // Lambda checks the role's permissions when it creates the mapping.
    mapping.node.addDependency(bridge.role);
    return mapping;
  });
}
