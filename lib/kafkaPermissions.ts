import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { KafkaArns } from './kafkaArns';
import { grantSecretRead } from './secretGrants';
import type { KafkaAccess } from './types';

/**
 * Grants the MSK control-plane reads Lambda's MSK event source pollers make with the function's role to find
 * the brokers (what AWSLambdaMSKExecutionRole grants; none for a self-managed Kafka), and the secret they
 * sign in with (SCRAM credentials or the client certificate).
 */
function grantPollerClusterLookup(role: iam.IRole, kafka: KafkaAccess): void {
  if (kafka.clusterArn) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
        resources: [kafka.clusterArn],
      }),
    );
  }
  grantKafkaSecretsRead(role, kafka);
}

/** The SCRAM or client certificate secret of `kafka`, for the role's own reads. */
function grantKafkaSecretsRead(role: iam.IRole, kafka: KafkaAccess): void {
  if (kafka.scramSecret) grantSecretRead(role, kafka.scramSecret);
  if (kafka.clientCertificateSecret) grantSecretRead(role, kafka.clientCertificateSecret);
}

/** The cluster ARN an IAM-auth grant is scoped to; IAM auth exists only on MSK. */
function iamClusterArn(kafka: KafkaAccess): string {
  if (!kafka.clusterArn) throw new Error('IAM auth needs an MSK cluster ARN (a self-managed Kafka has none)');
  return kafka.clusterArn;
}

/**
 * Lets a change bridge produce to `topics`: connect, write (idempotently) and describe exactly these topics
 * on an IAM-auth cluster, or read the SCRAM or client certificate secret otherwise. No MSK control-plane action: the
 * producer gets its brokers in `KAFKA_BROKERS`.
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
  grantKafkaSecretsRead(role, kafka);
  if (kafka.auth !== 'iam') return;
  const clusterArn = iamClusterArn(kafka);
  const arns = new KafkaArns(scope, clusterArn);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
      resources: [clusterArn],
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
  grantPollerClusterLookup(role, kafka);
  // The pollers attach their own network interfaces in the cluster's subnets.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
  );
  if (kafka.auth !== 'iam') return;
  const clusterArn = iamClusterArn(kafka);
  const arns = new KafkaArns(scope, clusterArn);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
      resources: [clusterArn],
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
