import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** How bridges reach a Kafka cluster: what {@link KafkaCluster} provides, or an existing cluster's details. */
export interface KafkaAccess {
  readonly clusterArn: string;
  /**
   * Comma-separated bootstrap brokers of the `auth` listener, resolved at deploy time (see
   * {@link KafkaBootstrapBrokers}): the producers connect with them and never call the MSK API.
   */
  readonly bootstrapBrokers: string;
  /** `iam` (SASL/OAUTHBEARER over TLS) or `scram` (SASL/SCRAM-SHA-512 over TLS). */
  readonly auth: 'iam' | 'scram';
  /** The `AmazonMSK_…` secret with `{ "username", "password" }`, for `scram`. */
  readonly scramSecret?: secretsmanager.ISecret;
  /** Producer compression of the change bridges. */
  readonly compression: 'gzip' | 'none';
}

/** How the Redis sink reaches the cache: what {@link CacheCluster} provides, or an existing cache's details. */
export interface CacheAccess {
  /** Primary (or configuration / serverless) endpoint host. */
  readonly host: string;
  readonly port: string;
  /** `{ "username", "password" }` (RBAC) or `{ "password" }` (AUTH token). */
  readonly secret: secretsmanager.ISecret;
  /** Keys and scripts must stay within one hash slot. */
  readonly clusterMode: boolean;
}

/** Where a bridge function runs. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}
