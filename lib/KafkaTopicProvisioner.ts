import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TopicConfig } from '../config/types';
import { HANDLER_ENV } from '../lambdas/core/constants';
import { BridgeFunction } from './BridgeFunction';
import { TOPIC_PROVISIONER, TOPIC_PROVISIONER_TIMEOUTS } from './constants';
import { KafkaArns } from './kafkaArns';
import { topicConfigEntries } from './topicConfigs';
import type { FunctionPlacement } from './types';

export interface KafkaTopicProvisionerProps {
  /** An IAM-auth MSK cluster (MSK Serverless). */
  readonly clusterArn: string;
  /** Its IAM listener's bootstrap brokers, resolved at deploy time ({@link KafkaBootstrapBrokers}). */
  readonly bootstrapBrokers: string;
  readonly topics: readonly TopicConfig[];
  readonly replicationFactor: number;
  /** Where the function runs: it must reach the brokers and S3 (the CloudFormation response). */
  readonly placement: FunctionPlacement;
  /** Default: retained, like the data in the topics. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Topics as CloudFormation resources on clusters without `AWS::MSK::Topic` (MSK Serverless): one
 * `Custom::KafkaTopic` per topic, served by the kafka-topic-provisioner function in the VPC, which creates
 * the topic, grows its partitions and sets its configs through the Kafka admin API with MSK IAM auth.
 * Its role may manage exactly these topics.
 *
 * @example
 * ```ts
 * new KafkaTopicProvisioner(this, 'Topics', { clusterArn, bootstrapBrokers, topics, replicationFactor: 3, placement });
 * ```
 */
export class KafkaTopicProvisioner extends Construct {
  readonly provisioner: BridgeFunction;
  readonly topics: ReadonlyMap<string, CustomResource>;

  constructor(scope: Construct, id: string, props: KafkaTopicProvisionerProps) {
    super(scope, id);
    this.provisioner = new BridgeFunction(this, 'Handler', {
      handler: TOPIC_PROVISIONER,
      placement: props.placement,
      environment: { [HANDLER_ENV.kafkaBrokers]: props.bootstrapBrokers, [HANDLER_ENV.kafkaAuth]: 'iam' },
      functionProps: { timeout: Duration.seconds(TOPIC_PROVISIONER_TIMEOUTS.functionSeconds) },
    });
    const { role } = this.provisioner;
    const arns = new KafkaArns(this, props.clusterArn);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect'],
        resources: [props.clusterArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'kafka-cluster:CreateTopic',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:AlterTopic',
          'kafka-cluster:DescribeTopicDynamicConfiguration',
          'kafka-cluster:AlterTopicDynamicConfiguration',
          'kafka-cluster:DeleteTopic',
        ],
        resources: props.topics.map((topic) => arns.topic(topic.name)),
      }),
    );

    this.topics = new Map(
      props.topics.map((topic) => {
        const resource = new CustomResource(this, `Topic-${topic.name}`, {
          serviceToken: this.provisioner.function.functionArn,
          resourceType: 'Custom::KafkaTopic',
          serviceTimeout: Duration.seconds(TOPIC_PROVISIONER_TIMEOUTS.serviceSeconds),
          removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
          properties: {
            TopicName: topic.name,
            PartitionCount: topic.partitions,
            ReplicationFactor: props.replicationFactor,
            Configs: topicConfigEntries(topic),
          },
        });
        // The function acts with its role: the policy must exist before the first request.
        resource.node.addDependency(role);
        return [topic.name, resource];
      }),
    );
  }
}
