import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { EventSourceSettings, MappingBase } from '../config/types';
import type { BridgeFunction } from './BridgeFunction';
import { kafkaConsumerGroupId, kafkaEventSourceOptions } from './defaults/eventSourceDefaults';
import { grantKafkaConsume } from './kafkaPermissions';
import { S3FailureDestination } from './S3FailureDestination';
import type { FunctionPlacement, KafkaAccess } from './types';

export interface KafkaSinkSources {
  readonly kafka: KafkaAccess;
  /** Where a self-managed Kafka's pollers attach (the function's subnets and security groups). */
  readonly placement: FunctionPlacement;
  readonly consumerGroup: string;
  readonly mappings: readonly MappingBase[];
  readonly eventSource?: EventSourceSettings;
  readonly onFailureBucket: s3.IBucket;
  readonly pollerGroupName: string;
}

/**
 * How the pollers sign in (the SCRAM secret or client certificate), and for a self-managed Kafka where
 * they attach: Lambda places them in the function's subnets with its security groups (an MSK cluster's
 * pollers use the cluster's own).
 */
function sourceAccess(kafka: KafkaAccess, placement: FunctionPlacement): lambda.SourceAccessConfiguration[] {
  const type = lambda.SourceAccessConfigurationType;
  const secrets = [
    ...(kafka.scramSecret ? [{ type: type.SASL_SCRAM_512_AUTH, uri: kafka.scramSecret.secretArn }] : []),
    ...(kafka.clientCertificateSecret
      ? [{ type: type.CLIENT_CERTIFICATE_TLS_AUTH, uri: kafka.clientCertificateSecret.secretArn }]
      : []),
  ];
  if (kafka.clusterArn) return secrets;
  const subnets = placement.vpc.selectSubnets(placement.vpcSubnets).subnetIds;
  return [
    ...secrets,
    ...subnets.map((subnet) => ({ type: type.VPC_SUBNET, uri: `subnet:${subnet}` })),
    ...placement.securityGroups.map((group) => ({
      type: type.VPC_SECURITY_GROUP,
      uri: `security_group:${group.securityGroupId}`,
    })),
  ];
}

/**
 * Subscribes a Kafka sink to every topic its mappings read: one MSK (or self-managed Kafka) event source mapping per topic (Lambda
 * reads one topic per mapping) with consumer group `<consumerGroup>.<topic>`, and the consume permissions
 * for exactly those topics and groups.
 *
 * @example
 * ```ts
 * addKafkaEventSources(this, bridge, { kafka, consumerGroup: 'shop-redis', mappings, onFailureBucket, pollerGroupName: 'shop' });
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
  const onFailure = new S3FailureDestination(sources.onFailureBucket);
  const access = sourceAccess(sources.kafka, sources.placement);
  const cluster = sources.kafka.clusterArn
    ? { clusterArn: sources.kafka.clusterArn }
    : { bootstrapServers: sources.kafka.selfManaged?.brokers ?? [] };
  return topics.map((topic, i) => {
    const mapping = new lambda.EventSourceMapping(scope, `Topic-${topic}`, {
      target: bridge.function,
      ...kafkaEventSourceOptions(
        {
          cluster,
          topic,
          consumerGroupId: groups[i] as string,
          pollerGroupName: sources.pollerGroupName,
          ...(access.length > 0 ? { sourceAccessConfigurations: access } : {}),
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
