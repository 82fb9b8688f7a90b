import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * How bridges reach a Kafka cluster: what {@link KafkaCluster} provides, an existing MSK cluster's details
 * (`existingKafkaAccess`), or a self-managed Kafka's (no `clusterArn`).
 */
export interface KafkaAccess {
  /** The MSK cluster; absent for a self-managed Kafka, reached by {@link selfManaged} brokers. */
  readonly clusterArn?: string;
  /**
   * Comma-separated bootstrap brokers of the `auth` listener, resolved at deploy time (see
   * {@link KafkaBootstrapBrokers}) or given: the producers connect with them and never call the MSK API.
   */
  readonly bootstrapBrokers: string;
  /**
   * `iam` (SASL/OAUTHBEARER over TLS, MSK only), `scram` (SASL/SCRAM-SHA-512 over TLS) or `mtls` (TLS
   * client certificate, self-managed only).
   */
  readonly auth: 'iam' | 'scram' | 'mtls';
  /** `{ "username", "password" }` for `scram`: the `AmazonMSK_…` secret on MSK. */
  readonly scramSecret?: secretsmanager.ISecret;
  /** `{ "certificate", "privateKey" }` (PEM, Lambda's `CLIENT_CERTIFICATE_TLS_AUTH` format) for `mtls`. */
  readonly clientCertificateSecret?: secretsmanager.ISecret;
  /** A self-managed Kafka: its brokers (`host:port`), which the sinks' event source mappings name. */
  readonly selfManaged?: { readonly brokers: readonly string[] };
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
  /** In-transit encryption; default true (every cache the pipeline creates requires it). */
  readonly tls?: boolean;
}

/** The network the pipeline runs in: {@link StreamingNetwork} (created) or {@link ExistingNetwork}. */
export interface PipelineNetwork {
  readonly vpc: ec2.IVpc;
  /** Where functions (and created brokers and cache nodes) go. */
  readonly subnets: ec2.SubnetSelection;
  /** Attached to every bridge function; data stores admit it on their ports. */
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** Lets `peer` reach the interface endpoints, where the pipeline created them. */
  allowEndpointsFrom(peer: ec2.IConnectable): void;
}

/** Where a bridge function runs. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}
