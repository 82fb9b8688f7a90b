import { type CfnResource, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { KafkaClusterConfig, TopicConfig } from '../config/types';
import { BROKER_STORAGE_SCALING, KAFKA_PORTS, SERVERLESS_REPLICATION_FACTOR } from './constants';
import {
  kafkaClusterDefaults,
  type ResolvedKafkaClusterConfig,
  topicReplicationFactor,
} from './defaults/kafkaClusterDefaults';
import { KafkaBootstrapBrokers } from './KafkaBootstrapBrokers';
import { KafkaTopicProvisioner } from './KafkaTopicProvisioner';
import { encodeTopicConfigs } from './topicConfigs';
import type { KafkaAccess } from './types';

export interface KafkaClusterProps {
  /** Physical cluster name (also the SCRAM secret's suffix). */
  readonly clusterName: string;
  readonly config?: KafkaClusterConfig;
  readonly topics: readonly TopicConfig[];
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The only security group admitted on the broker port (the bridge functions'). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Broker log retention. Default: one month. */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An MSK cluster for the pipeline: provisioned (default, with broker storage autoscaling) or serverless,
 * TLS in transit, IAM auth (or SCRAM with a KMS-encrypted `AmazonMSK_` secret), broker logs, its bootstrap
 * brokers resolved at deploy time, and the config's topics declared as resources
 * with partitions, replication, retention and cleanup policy: `AWS::MSK::Topic` on provisioned clusters,
 * `Custom::KafkaTopic` (see {@link KafkaTopicProvisioner}) on serverless ones, which have no topic API. Its security group admits
 * the client security group and itself (Lambda's MSK pollers use the cluster's security group) on the one
 * listener port of the chosen authentication.
 *
 * @example
 * ```ts
 * const kafka = new KafkaCluster(this, 'Kafka', {
 *   clusterName: 'orders', topics: [{ name: 'orders.changes', partitions: 6 }],
 *   vpc, vpcSubnets, clientSecurityGroup: network.functionSecurityGroup,
 * });
 * kafka.access; // clusterArn, bootstrapBrokers, auth, compression (and scramSecret)
 * ```
 */
export class KafkaCluster extends Construct {
  readonly config: ResolvedKafkaClusterConfig;
  readonly clusterArn: string;
  readonly cluster: msk.CfnCluster | msk.CfnServerlessCluster;
  readonly securityGroup: ec2.SecurityGroup;
  /** The TLS listener port of the configured authentication. */
  readonly port: number;
  readonly scramSecret?: secretsmanager.Secret;
  readonly scramKey?: kms.Key;
  readonly brokerLogGroup?: logs.LogGroup;
  /** Broker storage autoscaling (provisioned, unless `maxVolumeSizeGiB` equals `volumeSizeGiB`). */
  readonly storageScaling?: appscaling.CfnScalableTarget;
  /** The brokers of the configured auth's listener, resolved at deploy time. */
  readonly bootstrapBrokers: KafkaBootstrapBrokers;
  /** Topic resources by topic name: `AWS::MSK::Topic` (provisioned) or the provisioner's custom resources (serverless). */
  readonly topicResources: ReadonlyMap<string, CfnResource>;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    this.config = kafkaClusterDefaults(props.config);
    this.port = KAFKA_PORTS[this.config.auth];
    const subnetIds = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `MSK brokers: TLS port ${this.port} from the bridge functions and the MSK event source pollers`,
      allowAllOutbound: false,
    });
    const port = ec2.Port.tcp(this.port);
    this.securityGroup.connections.allowFrom(props.clientSecurityGroup, port, 'Kafka from bridge functions');
    // Lambda's MSK event source pollers run with the cluster's own security group.
    this.securityGroup.connections.allowFrom(this.securityGroup, port, 'Kafka from MSK event source pollers');
    this.securityGroup.connections.allowTo(this.securityGroup, port, 'Kafka to brokers');

    if (this.config.type === 'serverless') {
      const cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
        clusterName: props.clusterName,
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [{ subnetIds, securityGroups: [this.securityGroup.securityGroupId] }],
      });
      cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.cluster = cluster;
      this.clusterArn = cluster.attrArn;
      this.bootstrapBrokers = new KafkaBootstrapBrokers(this, 'BootstrapBrokers', {
        clusterArn: this.clusterArn,
        auth: 'iam',
      });
      const provisioner = new KafkaTopicProvisioner(this, 'Topics', {
        clusterArn: this.clusterArn,
        bootstrapBrokers: this.bootstrapBrokers.brokers,
        topics: props.topics,
        replicationFactor: SERVERLESS_REPLICATION_FACTOR,
        placement: {
          vpc: props.vpc,
          vpcSubnets: props.vpcSubnets,
          securityGroups: [props.clientSecurityGroup],
        },
      });
      this.topicResources = new Map(
        [...provisioner.topics].map(([name, resource]) => [name, resource.node.defaultChild as CfnResource]),
      );
      return;
    }

    this.brokerLogGroup = new logs.LogGroup(this, 'BrokerLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cluster = new msk.CfnCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      kafkaVersion: this.config.kafkaVersion,
      numberOfBrokerNodes: this.config.brokerCount,
      brokerNodeGroupInfo: {
        clientSubnets: subnetIds,
        instanceType: this.config.instanceType,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: this.config.volumeSizeGiB } },
      },
      clientAuthentication: {
        sasl: this.config.auth === 'iam' ? { iam: { enabled: true } } : { scram: { enabled: true } },
        unauthenticated: { enabled: false },
      },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      loggingInfo: {
        brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: this.brokerLogGroup.logGroupName } },
      },
      enhancedMonitoring: 'DEFAULT',
    });
    cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.cluster = cluster;
    // Ref of AWS::MSK::Cluster is its ARN.
    this.clusterArn = cluster.ref;
    this.bootstrapBrokers = new KafkaBootstrapBrokers(this, 'BootstrapBrokers', {
      clusterArn: this.clusterArn,
      auth: this.config.auth,
    });
    if (this.config.maxVolumeSizeGiB > this.config.volumeSizeGiB) {
      this.storageScaling = this.#scaleStorage();
    }

    if (this.config.auth === 'scram') {
      // MSK takes SCRAM credentials only from secrets named AmazonMSK_* encrypted with a customer managed key.
      this.scramKey = new kms.Key(this, 'ScramKey', {
        description: `Encrypts the SCRAM credentials of MSK cluster ${props.clusterName}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.scramSecret = new secretsmanager.Secret(this, 'ScramSecret', {
        secretName: `AmazonMSK_${props.clusterName}`,
        encryptionKey: this.scramKey,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: 'streambridge' }),
          generateStringKey: 'password',
          excludePunctuation: true,
          passwordLength: 32,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      new msk.CfnBatchScramSecret(this, 'ScramSecretAssociation', {
        clusterArn: this.clusterArn,
        secretArnList: [this.scramSecret.secretArn],
      });
      Validations.of(this.scramSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'MSK reads SCRAM credentials from this secret; rotating them needs a coordinated client restart, so rotation is a documented operator step rather than a scheduled Lambda.',
      });
    }

    const topics = new Map<string, msk.CfnTopic>();
    for (const topic of props.topics) {
      const resource = new msk.CfnTopic(this, `Topic-${topic.name}`, {
        clusterArn: this.clusterArn,
        topicName: topic.name,
        partitionCount: topic.partitions,
        replicationFactor: topicReplicationFactor(topic, this.config.brokerCount),
        configs: encodeTopicConfigs(topic),
      });
      resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
      topics.set(topic.name, resource);
    }
    this.topicResources = topics;
  }

  /**
   * Grows each broker's volume to keep it {@link BROKER_STORAGE_SCALING} used (never shrinks: MSK cannot),
   * up to `maxVolumeSizeGiB`. No role: Application Auto Scaling uses its service-linked role for MSK.
   */
  #scaleStorage(): appscaling.CfnScalableTarget {
    const target = new appscaling.CfnScalableTarget(this, 'StorageScaling', {
      serviceNamespace: 'kafka',
      scalableDimension: 'kafka:broker-storage:VolumeSize',
      resourceId: this.clusterArn,
      minCapacity: this.config.volumeSizeGiB,
      maxCapacity: this.config.maxVolumeSizeGiB,
    });
    new appscaling.CfnScalingPolicy(this, 'StorageScalingPolicy', {
      policyName: 'broker-storage-utilization',
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'KafkaBrokerStorageUtilization' },
        targetValue: BROKER_STORAGE_SCALING.targetUtilizationPercent,
        disableScaleIn: true,
      },
    });
    return target;
  }

  /** What the bridges need to produce to and consume from this cluster. */
  get access(): KafkaAccess {
    return {
      clusterArn: this.clusterArn,
      bootstrapBrokers: this.bootstrapBrokers.brokers,
      auth: this.config.auth,
      compression: this.config.compression,
      ...(this.scramSecret ? { scramSecret: this.scramSecret } : {}),
    };
  }
}
