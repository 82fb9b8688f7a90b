import { CfnOutput, RemovalPolicies, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { changeBridgeSlice, sourcePath } from '../config/handlerSlices';
import type { PipelineConfig } from '../config/types';
import { BridgeQueues } from './BridgeQueues';
import { CacheCluster } from './CacheCluster';
import { ChangeSourceTable } from './ChangeSourceTable';
import { HANDLERS, type HandlerName } from './constants';
import { sinkTableProps } from './defaults/tableDefaults';
import { interfaceEndpointDefaults } from './defaults/vpcDefaults';
import { deploymentUniqueName } from './deploymentUniqueName';
import { hashesAttributes } from './handlerEnvironment';
import { KafkaCluster } from './KafkaCluster';
import { redisSinkKeyPrefixes } from './redisSinkKeyPrefixes';
import { StreamingNetwork } from './StreamingNetwork';

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

/**
 * The stateful half of a pipeline: network, source tables (with their streams), sink tables, the MSK
 * cluster and its topics, the cache, and each bridge's failure queues. Everything in it is retained when
 * the stack is deleted (unless `retainData` is false), so the bridges stack can come and go freely.
 */
export class PipelineDataStack extends Stack {
  readonly config: PipelineConfig;
  readonly network: StreamingNetwork;
  readonly sources: ReadonlyMap<string, ChangeSourceTable>;
  readonly sinkTables: ReadonlyMap<string, dynamodb.Table>;
  readonly kafka: KafkaCluster;
  readonly cache?: CacheCluster;
  /** Salt of the change bridges' governance hashes, when a source hashes attributes. */
  readonly governanceSalt?: secretsmanager.Secret;
  /** Failure queues of each deployed bridge. */
  readonly queues: ReadonlyMap<HandlerName, BridgeQueues>;

  constructor(scope: Construct, id: string, props: PipelineDataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = props.retainData ?? true;
    this.config = config;
    const handlers = deployedHandlers(config);

    // Topics of MSK Serverless are custom resources served from the VPC: they answer CloudFormation through
    // S3 (a pre-signed URL). Their brokers, like every function's, are resolved at deploy time.
    const serverlessKafka = config.kafka.type === 'serverless';
    this.network = new StreamingNetwork(this, 'Network', {
      ...(config.network?.availabilityZones ? { availabilityZones: config.network.availabilityZones } : {}),
      // The DynamoDB sink is the only code in the VPC that calls DynamoDB.
      gatewayEndpoints: [
        ...(config.sinks.dynamodb ? [ec2.GatewayVpcEndpointAwsService.DYNAMODB] : []),
        ...(serverlessKafka ? [ec2.GatewayVpcEndpointAwsService.S3] : []),
      ],
      interfaceEndpoints: interfaceEndpointDefaults({
        secrets:
          config.sinks.redis !== undefined || config.kafka.auth === 'scram' || hashesAttributes(config),
        kafkaConsumers: config.sinks.redis !== undefined || config.sinks.dynamodb !== undefined,
      }),
    });
    const tableOverrides: Partial<dynamodb.TableProps> = retain ? {} : { deletionProtection: false };

    this.sources = new Map(
      config.sources.map((source) => [
        source.name,
        new ChangeSourceTable(this, `Source-${source.name}`, { source, tableProps: tableOverrides }),
      ]),
    );
    this.sinkTables = new Map(
      (config.sinks.dynamodb?.tables ?? []).map((table) => [
        table.name,
        new dynamodb.Table(
          this,
          `SinkTable-${table.name}`,
          sinkTableProps(`${this.node.path}/SinkTable-${table.name}`, table, tableOverrides),
        ),
      ]),
    );

    this.kafka = new KafkaCluster(this, 'Kafka', {
      clusterName: deploymentUniqueName(this, config.name, 'kafka', 64),
      config: config.kafka,
      topics: config.topics,
      vpc: this.network.vpc,
      vpcSubnets: this.network.subnets,
      clientSecurityGroup: this.network.functionSecurityGroup,
    });
    this.network.allowEndpointsFrom(this.kafka.securityGroup);
    new CfnOutput(this, 'KafkaClusterArn', { value: this.kafka.clusterArn });

    if (config.cache) {
      this.cache = new CacheCluster(this, 'Cache', {
        namePrefix: config.name,
        config: config.cache,
        vpc: this.network.vpc,
        vpcSubnets: this.network.subnets,
        clientSecurityGroup: this.network.functionSecurityGroup,
        ...(config.sinks.redis ? { keyPrefixes: redisSinkKeyPrefixes(config.sinks.redis) } : {}),
      });
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

    if (retain) RemovalPolicies.of(this).retain();
    else RemovalPolicies.of(this).destroy();
  }

  /** Kinesis streams of the sources that go `via: 'kinesis'`, by source table name. */
  get kinesisStreams(): ReadonlyMap<string, kinesis.Stream> {
    const streams = new Map<string, kinesis.Stream>();
    for (const [name, source] of this.sources) {
      if (sourcePath(source.source) === 'kinesis' && source.kinesisStream)
        streams.set(name, source.kinesisStream);
    }
    return streams;
  }
}
