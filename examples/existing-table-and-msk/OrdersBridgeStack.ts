/**
 * A user's own stack putting streambridge bridges onto infrastructure other teams run: an existing
 * DynamoDB table (by name and stream ARN), an existing MSK cluster (by ARN, IAM auth), an existing Valkey
 * cache (endpoint, port, secret) and an existing VPC (by attributes, so synth needs no AWS account).
 * It creates only the two functions, their queues, roles, event source mappings and one security group.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  type CacheAccess,
  DynamoToKafkaBridge,
  type FunctionPlacement,
  KAFKA_PORTS,
  type KafkaAccess,
  KafkaBootstrapBrokers,
  KafkaToRedisSink,
  validateChangeBridgeSlice,
  validateRedisSinkSlice,
} from 'streambridge';

/** What the other teams gave us: identifiers only, nothing is looked up at synth. */
export interface ExistingResources {
  readonly vpc: {
    readonly vpcId: string;
    readonly availabilityZones: readonly string[];
    /** Private (or isolated) subnets, one per AZ, in the same order. */
    readonly privateSubnetIds: readonly string[];
  };
  /** The source table; its stream must be on with `NEW_AND_OLD_IMAGES`. */
  readonly table: { readonly tableName: string; readonly streamArn: string };
  /** An IAM-auth MSK cluster, the security group of its brokers, and the topic already on it. */
  readonly kafka: { readonly clusterArn: string; readonly securityGroupId: string; readonly topic: string };
  /** A Valkey/Redis cache with TLS; the secret is `{ "username", "password" }` or `{ "password" }`. */
  readonly cache: {
    readonly host: string;
    readonly port: number;
    readonly secretArn: string;
    readonly securityGroupId: string;
  };
}

export interface OrdersBridgeStackProps extends StackProps {
  readonly existing: ExistingResources;
}

export class OrdersBridgeStack extends Stack {
  readonly toKafka: DynamoToKafkaBridge;
  readonly toRedis: KafkaToRedisSink;

  constructor(scope: Construct, id: string, props: OrdersBridgeStackProps) {
    super(scope, id, props);
    const { existing } = props;

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: existing.vpc.vpcId,
      availabilityZones: [...existing.vpc.availabilityZones],
      privateSubnetIds: [...existing.vpc.privateSubnetIds],
    });
    const bridges = new ec2.SecurityGroup(this, 'BridgeSecurityGroup', {
      vpc,
      description: 'streambridge functions: reach the MSK brokers, the cache and the VPC endpoints',
    });
    const placement: FunctionPlacement = {
      vpc,
      vpcSubnets: { subnets: vpc.privateSubnets },
      securityGroups: [bridges],
    };

    // The brokers' and the cache's security groups admit the functions on exactly their ports.
    ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'KafkaSecurityGroup',
      existing.kafka.securityGroupId,
    ).addIngressRule(bridges, ec2.Port.tcp(KAFKA_PORTS.iam), 'streambridge functions: MSK IAM listener');
    ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'CacheSecurityGroup',
      existing.cache.securityGroupId,
    ).addIngressRule(bridges, ec2.Port.tcp(existing.cache.port), 'streambridge Redis sink');

    // Bootstrap brokers resolved at deploy time: the functions never call the MSK API.
    const brokers = new KafkaBootstrapBrokers(this, 'Brokers', {
      clusterArn: existing.kafka.clusterArn,
      auth: 'iam',
    });
    const kafka: KafkaAccess = {
      clusterArn: existing.kafka.clusterArn,
      bootstrapBrokers: brokers.brokers,
      auth: 'iam',
      compression: 'gzip',
    };
    const cache: CacheAccess = {
      host: existing.cache.host,
      port: String(existing.cache.port),
      secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'CacheSecret', existing.cache.secretArn),
      clusterMode: false,
    };
    const table = dynamodb.Table.fromTableAttributes(this, 'Orders', {
      tableName: existing.table.tableName,
      tableStreamArn: existing.table.streamArn,
    });

    // The pipeline config of these two bridges, validated here: a bad field fails the synth naming it.
    const changes = validateChangeBridgeSlice({
      sources: [
        {
          name: existing.table.tableName,
          partitionKey: { name: 'orderId', type: 'S' },
          topic: existing.kafka.topic,
        },
      ],
      topics: [{ name: existing.kafka.topic, partitions: 6 }],
    });
    const orderCache = validateRedisSinkSlice({
      consumerGroup: 'orders-redis-sink',
      mappings: [
        {
          name: 'order-cache',
          topic: existing.kafka.topic,
          operation: 'cache',
          key: 'order:{orderId}',
          ttlSeconds: 86_400,
        },
      ],
    });

    this.toKafka = new DynamoToKafkaBridge(this, 'OrdersToKafka', {
      functionName: 'orders-ddb-stream-to-kafka',
      slice: changes,
      tables: new Map([[existing.table.tableName, table]]),
      kafka,
      placement,
    });
    this.toRedis = new KafkaToRedisSink(this, 'OrdersToRedis', {
      functionName: 'orders-kafka-to-redis',
      sink: orderCache,
      kafka,
      cache,
      placement,
      pollerGroupName: 'orders-kafka-sinks',
    });
  }
}
