import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { KafkaArns } from './kafkaArns';
import type { KafkaAccess } from './types';

/**
 * Grants the MSK control-plane reads Lambda's MSK event source pollers make with the function's role to find
 * the brokers (what AWSLambdaMSKExecutionRole grants), and the SCRAM secret they sign in with.
 */
function grantPollerClusterLookup(role: iam.IRole, kafka: KafkaAccess): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resources: [kafka.clusterArn],
    }),
  );
  if (kafka.scramSecret) grantScramSecretRead(role, kafka.scramSecret);
}

/**
 * Lets `role` read the SCRAM secret and decrypt it through Secrets Manager. Written as the role's own
 * statements: `secret.grantRead` would also add the role to the key policy, making the data stack that
 * holds the key depend on the bridges stack that holds the role (the key policy trusts the account).
 */
function grantScramSecretRead(role: iam.IRole, secret: secretsmanager.ISecret): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
    }),
  );
  if (secret.encryptionKey) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [secret.encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(role).region}.amazonaws.com` },
        },
      }),
    );
  }
}

/**
 * Lets a change bridge produce to `topics`: connect, write (idempotently) and describe exactly these topics
 * on an IAM-auth cluster, or read the SCRAM secret on a SCRAM cluster. No MSK control-plane action: the
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
  if (kafka.scramSecret) grantScramSecretRead(role, kafka.scramSecret);
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
  grantPollerClusterLookup(role, kafka);
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
