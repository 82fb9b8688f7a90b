import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TopicConfig } from '../config/types';
import { HANDLER_ENV } from '../lambdas/core/constants';
import { BridgeFunction } from './BridgeFunction';
import { TOPIC_PROVISIONER, TOPIC_PROVISIONER_TIMEOUTS } from './constants';
import { KafkaArns } from './kafkaArns';
import { topicConfigEntries } from './topicConfigs';
import type { FunctionPlacement } from './types';

export interface KafkaTopicProvisionerProps {
  /** An MSK cluster (MSK Serverless, or an existing one); absent for a self-managed Kafka with SCRAM. */
  readonly clusterArn?: string;
  /** The `auth` listener's bootstrap brokers, resolved at deploy time ({@link KafkaBootstrapBrokers}) or given. */
  readonly bootstrapBrokers: string;
  /** How the provisioner signs in. Default: `iam`. */
  readonly auth?: 'iam' | 'scram';
  /** `{ "username", "password" }`, for `scram`. */
  readonly scramSecret?: secretsmanager.ISecret;
  readonly topics: readonly TopicConfig[];
  readonly replicationFactor: number;
  /** Where the function runs: it must reach the brokers and S3 (the CloudFormation response). */
  readonly placement: FunctionPlacement;
  /** Default: retained, like the data in the topics. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Topics as CloudFormation resources on clusters without `AWS::MSK::Topic` (MSK Serverless) or not ours
 * (an existing cluster): one `Custom::KafkaTopic` per topic, served by the kafka-topic-provisioner function
 * in the VPC, which creates the topic, grows its partitions and sets its configs through the Kafka admin API
 * with MSK IAM auth (its role may manage exactly these topics) or SCRAM.
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
    const auth = props.auth ?? 'iam';
    this.provisioner = new BridgeFunction(this, 'Handler', {
      handler: TOPIC_PROVISIONER,
      placement: props.placement,
      environment: {
        [HANDLER_ENV.kafkaBrokers]: props.bootstrapBrokers,
        [HANDLER_ENV.kafkaAuth]: auth,
        ...(props.scramSecret ? { [HANDLER_ENV.kafkaScramSecretArn]: props.scramSecret.secretArn } : {}),
      },
      functionProps: { timeout: Duration.seconds(TOPIC_PROVISIONER_TIMEOUTS.functionSeconds) },
    });
    const { role } = this.provisioner;
    if (auth === 'scram') {
      if (!props.scramSecret) throw new Error(`${this.node.path}: SCRAM needs the scramSecret`);
      props.scramSecret.grantRead(role);
    } else {
      if (!props.clusterArn) throw new Error(`${this.node.path}: IAM auth needs the MSK clusterArn`);
      this.#grantIam(role, props.clusterArn, props.topics);
    }

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

  /** Connect, and manage exactly these topics. */
  #grantIam(role: iam.IRole, clusterArn: string, topics: readonly TopicConfig[]): void {
    const arns = new KafkaArns(this, clusterArn);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect'], resources: [clusterArn] }),
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
        resources: topics.map((topic) => arns.topic(topic.name)),
      }),
    );
  }
}
