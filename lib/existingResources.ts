/**
 * The user's existing resources (`existing` in the pipeline config) as CDK references: nothing here creates
 * or changes them. Tables and streams are addressed by name and ARN, secrets by ARN; the only resources
 * added are the ingress rules that let the bridges' security group into an existing cluster's or cache's
 * security group, and (for an MSK cluster without given brokers) the deploy-time lookup of its brokers.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type {
  ExistingCacheConfig,
  ExistingKafkaConfig,
  KafkaClusterConfig,
  SinkTableConfig,
  SourceTableConfig,
} from '../config/types';
import { KAFKA_PORTS } from './constants';
import { kafkaClusterDefaults } from './defaults/kafkaClusterDefaults';
import { KafkaBootstrapBrokers } from './KafkaBootstrapBrokers';
import type { CacheAccess, KafkaAccess } from './types';

/** Secrets Manager appends `-` and six characters to a secret's name in its complete ARN. */
const COMPLETE_SECRET_ARN = /-[A-Za-z0-9]{6}$/;

/** A secret by its complete ARN (with the suffix) or partial ARN (without). */
export function importSecret(scope: Construct, id: string, secretArn: string): secretsmanager.ISecret {
  return COMPLETE_SECRET_ARN.test(secretArn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, secretArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, secretArn);
}

/** An existing source table and the stream its changes are read from. */
export interface ExistingSource {
  readonly table: dynamodb.ITable;
  /** Its Kinesis streaming destination, for `via: 'kinesis'`. */
  readonly kinesisStream?: kinesis.IStream;
}

/**
 * A source table the user owns, with its DynamoDB stream ARN (`existing.streamArn`) or its Kinesis
 * streaming destination (`existing.kinesisStreamArn`).
 *
 * @example
 * ```ts
 * existingSource(this, { name: 'orders', ..., existing: { streamArn } }).table.tableStreamArn; // streamArn
 * ```
 */
export function existingSource(scope: Construct, source: SourceTableConfig): ExistingSource {
  const existing = source.existing ?? {};
  const table = dynamodb.Table.fromTableAttributes(scope, `Source-${source.name}`, {
    tableName: source.name,
    ...(existing.streamArn ? { tableStreamArn: existing.streamArn } : {}),
  });
  return {
    table,
    ...(existing.kinesisStreamArn
      ? {
          kinesisStream: kinesis.Stream.fromStreamArn(
            scope,
            `SourceStream-${source.name}`,
            existing.kinesisStreamArn,
          ),
        }
      : {}),
  };
}

/** A sink table the user owns, by name. */
export function existingSinkTable(scope: Construct, table: SinkTableConfig): dynamodb.ITable {
  return dynamodb.Table.fromTableName(scope, `SinkTable-${table.name}`, table.name);
}

/** Lets `client` into an existing security group on `ports` (a rule on that group; the client's is not changed). */
function allowInto(
  scope: Construct,
  id: string,
  securityGroupId: string,
  client: ec2.ISecurityGroup,
  ports: readonly number[],
  description: string,
): void {
  const group = ec2.SecurityGroup.fromSecurityGroupId(scope, id, securityGroupId);
  for (const port of ports) group.connections.allowFrom(client, ec2.Port.tcp(port), description);
}

/** The distinct ports of `host:port` brokers. */
function brokerPorts(brokers: readonly string[]): number[] {
  return [...new Set(brokers.map((broker) => Number(broker.slice(broker.lastIndexOf(':') + 1))))];
}

/**
 * How the bridges reach an existing Kafka (`kafka.existing`): an MSK cluster by ARN (its brokers given or
 * looked up at deploy time, IAM grants on its exact ARNs, the SCRAM secret by ARN) or a self-managed Kafka
 * by its brokers (SCRAM or client certificate secret by ARN). The bridges' security group is let into the
 * cluster's on the ports they use.
 *
 * @example
 * ```ts
 * const kafka = existingKafkaAccess(this, config.kafka, network.functionSecurityGroup);
 * ```
 */
export function existingKafkaAccess(
  scope: Construct,
  config: KafkaClusterConfig & { readonly existing: ExistingKafkaConfig },
  client: ec2.ISecurityGroup,
): KafkaAccess {
  const { existing } = config;
  const compression = kafkaClusterDefaults({ compression: config.compression }).compression;
  if (existing.type === 'msk') {
    const port = KAFKA_PORTS[existing.auth];
    allowInto(
      scope,
      'KafkaSecurityGroup',
      existing.securityGroupId,
      client,
      [port],
      'Kafka from bridge functions',
    );
    const bootstrapBrokers =
      existing.bootstrapBrokers ??
      new KafkaBootstrapBrokers(scope, 'KafkaBootstrapBrokers', {
        clusterArn: existing.clusterArn,
        auth: existing.auth,
      }).brokers;
    return {
      clusterArn: existing.clusterArn,
      bootstrapBrokers,
      auth: existing.auth,
      compression,
      ...(existing.scramSecretArn
        ? { scramSecret: importSecret(scope, 'KafkaScramSecret', existing.scramSecretArn) }
        : {}),
    };
  }
  if (existing.securityGroupId) {
    allowInto(
      scope,
      'KafkaSecurityGroup',
      existing.securityGroupId,
      client,
      brokerPorts(existing.bootstrapBrokers),
      'Kafka from bridge functions',
    );
  }
  const secret = importSecret(scope, 'KafkaSecret', existing.secretArn);
  return {
    bootstrapBrokers: existing.bootstrapBrokers.join(','),
    auth: existing.auth,
    compression,
    selfManaged: { brokers: existing.bootstrapBrokers },
    ...(existing.auth === 'scram' ? { scramSecret: secret } : { clientCertificateSecret: secret }),
  };
}

/**
 * How the Redis sink reaches an existing cache (`cache.existing`): its endpoint, port, TLS, cluster mode and
 * auth secret; the bridges' security group is let into the cache's on its port.
 */
export function existingCacheAccess(
  scope: Construct,
  existing: ExistingCacheConfig,
  client: ec2.ISecurityGroup,
): CacheAccess {
  allowInto(
    scope,
    'CacheSecurityGroup',
    existing.securityGroupId,
    client,
    [existing.port],
    'Cache from the Redis sink',
  );
  return {
    host: existing.primaryEndpoint,
    port: String(existing.port),
    secret: importSecret(scope, 'CacheSecret', existing.authSecretArn),
    clusterMode: existing.clusterMode,
    tls: existing.tls,
  };
}
