import { CfnOutput, RemovalPolicies, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { changeBridgeSlice, sourcePath } from '../config/handlerSlices';
import type { PipelineConfig, TopicConfig } from '../config/types';
import { BridgeQueues } from './BridgeQueues';
import { CacheCluster } from './CacheCluster';
import { ChangeSourceTable } from './ChangeSourceTable';
import { HANDLERS, type HandlerName, SERVERLESS_REPLICATION_FACTOR } from './constants';
import { sinkTableIndexes, sinkTableProps } from './defaults/tableDefaults';
import { interfaceEndpointDefaults } from './defaults/vpcDefaults';
import { deploymentUniqueName } from './deploymentUniqueName';
import { ExistingNetwork } from './ExistingNetwork';
import { existingCacheAccess, existingKafkaAccess } from './existingResources';
import { FailureRecordBucket } from './FailureRecordBucket';
import { hashesAttributes } from './handlerEnvironment';
import { KafkaCluster } from './KafkaCluster';
import { KafkaTopicProvisioner } from './KafkaTopicProvisioner';
import { redisSinkKeyPrefixes } from './redisSinkKeyPrefixes';
import { StreamingNetwork } from './StreamingNetwork';
import type { CacheAccess, KafkaAccess, PipelineNetwork } from './types';

export interface PipelineDataStackProps extends StackProps {
  readonly config: PipelineConfig;
  /** Keep every resource of this stack when it is deleted (default true). */
  readonly retainData?: boolean;
}

/** The handlers a config deploys. */
export function deployedHandlers(config: PipelineConfig): HandlerName[] {
  return [
    ...(changeBridgeSlice(config, 'dynamodb-streams').sources.length > 0 ? [HANDLERS.ddbStreamToKafka] : []),
    ...(changeBridgeSlice(config, 'kinesis').sources.length > 0 ? [HANDLERS.kinesisToKafka] : []),
    ...(config.sinks.redis ? [HANDLERS.kafkaToRedis] : []),
    ...(config.sinks.dynamodb ? [HANDLERS.kafkaToDynamodb] : []),
  ];
}

/** Whether anything stateful is left to create: else the pipeline has no data stack at all. */
export function needsDataStack(config: PipelineConfig): boolean {
  return (
    config.network?.existing === undefined ||
    config.kafka.existing === undefined ||
    (config.cache !== undefined && config.cache.existing === undefined) ||
    config.sources.some((source) => source.existing === undefined) ||
    (config.sinks.dynamodb?.tables ?? []).some((table) => table.existing !== true) ||
    config.topics.some((topic) => topic.existing !== true) ||
    hashesAttributes(config)
  );
}

/** The network, Kafka and cache access of a pipeline, created or the user's: built in one stack. */
export interface PipelineFoundation {
  readonly network: PipelineNetwork;
  readonly kafkaAccess: KafkaAccess;
  readonly cacheAccess?: CacheAccess;
}

/**
 * The network, Kafka and cache of a pipeline that exist already (`existing`), referenced in `scope`: what
 * the bridges stack builds for itself when there is no data stack.
 */
export function existingFoundation(scope: Construct, config: PipelineConfig): PipelineFoundation {
  const existingNetwork = config.network?.existing;
  const existingKafka = config.kafka.existing;
  if (!existingNetwork || !existingKafka) {
    throw new Error(
      `${scope.node.path}: only an existing network and Kafka can be referenced without a data stack`,
    );
  }
  const network = new ExistingNetwork(scope, 'Network', { existing: existingNetwork });
  const client = network.functionSecurityGroup;
  return {
    network,
    kafkaAccess: existingKafkaAccess(scope, { ...config.kafka, existing: existingKafka }, client),
    ...(config.cache?.existing
      ? { cacheAccess: existingCacheAccess(scope, config.cache.existing, client) }
      : {}),
  };
}

/**
 * The stateful half of a pipeline: network, source tables (with their streams), sink tables, the MSK
 * cluster and its topics, the cache, and each bridge's failure queues; of those declared `existing`, only
 * the references (and the ingress rules into their security groups). Everything it creates is retained when
 * the stack is deleted (unless `retainData` is false), so the bridges stack can come and go freely.
 */
export class PipelineDataStack extends Stack implements PipelineFoundation {
  readonly config: PipelineConfig;
  readonly network: PipelineNetwork;
  /** The source tables it created (existing ones are referenced by the bridges stack). */
  readonly sources: ReadonlyMap<string, ChangeSourceTable>;
  /** The sink tables it created. */
  readonly sinkTables: ReadonlyMap<string, dynamodb.Table>;
  /** The MSK cluster, unless `kafka.existing`. */
  readonly kafka?: KafkaCluster;
  readonly kafkaAccess: KafkaAccess;
  /** Topics it provisions on an existing cluster (those not declared `existing`). */
  readonly existingClusterTopics?: KafkaTopicProvisioner;
  /** The cache, unless `cache.existing`. */
  readonly cache?: CacheCluster;
  readonly cacheAccess?: CacheAccess;
  /** Salt of the change bridges' governance hashes, when a source hashes attributes. */
  readonly governanceSalt?: secretsmanager.Secret;
  /** Failure queues of each deployed bridge. */
  readonly queues: ReadonlyMap<HandlerName, BridgeQueues>;
  /** Where every event source mapping writes the batches it gives up on (one bucket per pipeline). */
  readonly failureRecords: FailureRecordBucket;

  constructor(scope: Construct, id: string, props: PipelineDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = props.retainData ?? true;
    this.config = config;
    const handlers = deployedHandlers(config);

    // Topics of MSK Serverless (and new topics on an existing cluster) are custom resources served from the
    // VPC: they answer CloudFormation through S3 (a pre-signed URL). Their brokers, like every function's,
    // are resolved at deploy time.
    const newTopics = config.topics.filter((topic) => topic.existing !== true);
    const provisionsTopics =
      config.kafka.type === 'serverless' || (config.kafka.existing !== undefined && newTopics.length > 0);
    const kafkaAuth = config.kafka.existing?.auth ?? config.kafka.auth;
    const kafkaSinks = config.sinks.redis !== undefined || config.sinks.dynamodb !== undefined;
    this.network = config.network?.existing
      ? new ExistingNetwork(this, 'Network', { existing: config.network.existing })
      : new StreamingNetwork(this, 'Network', {
          ...(config.network?.availabilityZones
            ? { availabilityZones: config.network.availabilityZones }
            : {}),
          // The DynamoDB sink is the only code in the VPC that calls DynamoDB. MSK mappings write their failure
          // records to S3 from the cluster's VPC (AWS asks for an endpoint there).
          gatewayEndpoints: [
            ...(config.sinks.dynamodb ? [ec2.GatewayVpcEndpointAwsService.DYNAMODB] : []),
            ...(provisionsTopics || kafkaSinks ? [ec2.GatewayVpcEndpointAwsService.S3] : []),
          ],
          interfaceEndpoints: interfaceEndpointDefaults({
            secrets: config.sinks.redis !== undefined || kafkaAuth !== 'iam' || hashesAttributes(config),
            kafkaConsumers: kafkaSinks,
            sns: (config.sinks.redis?.mappings ?? []).some((m) => m.operation === 'threshold' && m.alertSns),
          }),
        });
    const client = this.network.functionSecurityGroup;
    const tableOverrides: Partial<dynamodb.TableProps> = retain ? {} : { deletionProtection: false };

    this.sources = new Map(
      config.sources
        .filter((source) => source.existing === undefined)
        .map((source) => [
          source.name,
          new ChangeSourceTable(this, `Source-${source.name}`, { source, tableProps: tableOverrides }),
        ]),
    );
    this.sinkTables = new Map(
      (config.sinks.dynamodb?.tables ?? [])
        .filter((table) => table.existing !== true)
        .map((table) => {
          const resource = new dynamodb.Table(
            this,
            `SinkTable-${table.name}`,
            sinkTableProps(`${this.node.path}/SinkTable-${table.name}`, table, tableOverrides),
          );
          for (const index of sinkTableIndexes(table)) resource.addGlobalSecondaryIndex(index);
          return [table.name, resource];
        }),
    );

    if (config.kafka.existing) {
      this.kafkaAccess = existingKafkaAccess(
        this,
        { ...config.kafka, existing: config.kafka.existing },
        client,
      );
      if (newTopics.length > 0) this.existingClusterTopics = this.#provisionTopics(newTopics);
    } else {
      this.kafka = new KafkaCluster(this, 'Kafka', {
        clusterName: deploymentUniqueName(this, config.name, 'kafka', 64),
        config: config.kafka,
        topics: config.topics,
        vpc: this.network.vpc,
        vpcSubnets: this.network.subnets,
        clientSecurityGroup: client,
      });
      this.kafkaAccess = this.kafka.access;
      this.network.allowEndpointsFrom(this.kafka.securityGroup);
      new CfnOutput(this, 'KafkaClusterArn', { value: this.kafka.clusterArn });
    }

    if (config.cache?.existing) {
      this.cacheAccess = existingCacheAccess(this, config.cache.existing, client);
    } else if (config.cache) {
      this.cache = new CacheCluster(this, 'Cache', {
        namePrefix: config.name,
        config: config.cache,
        vpc: this.network.vpc,
        vpcSubnets: this.network.subnets,
        clientSecurityGroup: client,
        ...(config.sinks.redis ? { keyPrefixes: redisSinkKeyPrefixes(config.sinks.redis) } : {}),
      });
      this.cacheAccess = this.cache.access;
      new CfnOutput(this, 'CacheEndpoint', {
        value: `${this.cache.endpoint.address}:${this.cache.endpoint.port}`,
      });
      if (this.cache.readerEndpoint) {
        new CfnOutput(this, 'CacheReaderEndpoint', {
          value: `${this.cache.readerEndpoint.address}:${this.cache.readerEndpoint.port}`,
        });
      }
      new CfnOutput(this, 'CacheSecretArn', { value: this.cache.secret.secretArn });
    }
    if (hashesAttributes(config)) {
      this.governanceSalt = new secretsmanager.Secret(this, 'GovernanceSalt', {
        description: `Salt of the ${config.name} change bridges' governance hashes; changing it changes every hash`,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
      Validations.of(this.governanceSalt).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'A hash salt must not rotate: hashed attributes stay joinable across tables and over time only while it is constant.',
      });
    }

    this.queues = new Map(handlers.map((handler) => [handler, new BridgeQueues(this, `Queues-${handler}`)]));
    this.failureRecords = new FailureRecordBucket(this, 'FailureRecords', {
      ...(config.failureRecords?.expirationDays
        ? { expirationDays: config.failureRecords.expirationDays }
        : {}),
    });
    new CfnOutput(this, 'FailureRecordBucketName', { value: this.failureRecords.bucket.bucketName });

    if (retain) RemovalPolicies.of(this).retain();
    else RemovalPolicies.of(this).destroy();
  }

  /**
   * Topics not declared `existing` on an existing cluster, through the topic provisioner (IAM or SCRAM; a
   * topic on a cluster reached with a client certificate must exist already).
   */
  #provisionTopics(topics: readonly TopicConfig[]): KafkaTopicProvisioner {
    const kafka = this.kafkaAccess;
    if (kafka.auth === 'mtls') {
      throw new Error(
        `${this.node.path}: topics on a Kafka reached with a client certificate must be declared existing`,
      );
    }
    return new KafkaTopicProvisioner(this, 'Topics', {
      ...(kafka.clusterArn ? { clusterArn: kafka.clusterArn } : {}),
      bootstrapBrokers: kafka.bootstrapBrokers,
      auth: kafka.auth,
      ...(kafka.scramSecret ? { scramSecret: kafka.scramSecret } : {}),
      topics,
      replicationFactor: SERVERLESS_REPLICATION_FACTOR,
      placement: {
        vpc: this.network.vpc,
        vpcSubnets: this.network.subnets,
        securityGroups: [this.network.functionSecurityGroup],
      },
    });
  }

  /** Kinesis streams of the created sources that go `via: 'kinesis'`, by source table name. */
  get kinesisStreams(): ReadonlyMap<string, kinesis.Stream> {
    const streams = new Map<string, kinesis.Stream>();
    for (const [name, source] of this.sources) {
      if (sourcePath(source.source) === 'kinesis' && source.kinesisStream)
        streams.set(name, source.kinesisStream);
    }
    return streams;
  }
}
