import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { KafkaArns } from './kafkaArns';
import type { KafkaAccess } from './types';

/** Grants the MSK control-plane reads a client needs to find the brokers (`kafka:GetBootstrapBrokers`). */
function grantClusterLookup(role: iam.IRole, kafka: KafkaAccess): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resources: [kafka.clusterArn],
    }),
  );
  if (kafka.scramSecret) kafka.scramSecret.grantRead(role);
}

/**
 * Lets a change bridge produce to `topics`: connect, write (idempotently) and describe exactly these topics
 * on an IAM-auth cluster, or read the SCRAM secret on a SCRAM cluster.
 *
 * @example
 * ```ts
 * grantKafkaProduce(this, fn.role, kafka.access, ['orders.changes']);
 * ```
 */
export function grantKafkaProduce(
  scope: IConstruct,
  role: iam.IRole,
  kafka: KafkaAccess,
  topics: readonly string[],
): void {
  grantClusterLookup(role, kafka);
  if (kafka.auth !== 'iam') return;
  const arns = new KafkaArns(scope, kafka.clusterArn);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
      resources: [kafka.clusterArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resources: topics.map((topic) => arns.topic(topic)),
    }),
  );
}

/**
 * Lets a Kafka event source mapping consume `topics` as the `groups` consumer groups, with what Lambda's MSK
 * pollers need: cluster lookup, and on an IAM-auth cluster connect, read these topics, and manage exactly
 * these groups. Lambda uses the function's execution role for the pollers.
 */
export function grantKafkaConsume(
  scope: IConstruct,
  role: iam.IRole,
  kafka: KafkaAccess,
  topics: readonly string[],
  groups: readonly string[],
): void {
  grantClusterLookup(role, kafka);
  // The pollers attach their own network interfaces in the cluster's subnets.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
  );
  if (kafka.auth !== 'iam') return;
  const arns = new KafkaArns(scope, kafka.clusterArn);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      resources: [kafka.clusterArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: topics.map((topic) => arns.topic(topic)),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resources: groups.map((group) => arns.group(group)),
    }),
  );
}
