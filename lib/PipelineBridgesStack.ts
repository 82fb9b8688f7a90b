import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { changeBridgeSlice } from '../config/handlerSlices';
import type { PipelineConfig } from '../config/types';
import type { BridgeFunction } from './BridgeFunction';
import { HANDLERS, type HandlerName } from './constants';
import { DynamoToKafkaBridge } from './DynamoToKafkaBridge';
import { existingSinkTable, existingSource } from './existingResources';
import { FailureRecordBucket } from './FailureRecordBucket';
import { KafkaToDynamoSink } from './KafkaToDynamoSink';
import { KafkaToRedisSink } from './KafkaToRedisSink';
import { KinesisToKafkaBridge } from './KinesisToKafkaBridge';
import { existingFoundation, type PipelineDataStack } from './PipelineDataStack';
import { type ObservedFunction, type ObservedQueue, PipelineObservability } from './PipelineObservability';
import type { FunctionPlacement } from './types';

export interface PipelineBridgesStackProps extends StackProps {
  readonly config: PipelineConfig;
  /** The data stack; absent when everything stateful exists (the existing resources are referenced here). */
  readonly data?: PipelineDataStack;
}

interface DeployedBridge {
  readonly handler: HandlerName;
  readonly source: ObservedFunction['source'];
  readonly bridge: BridgeFunction;
  /** The bridge's construct: its queues, given (the data stack's) or its own. */
  readonly queues: { readonly deadLetterQueue: sqs.IQueue };
}

/**
 * The stateless half of a pipeline: the four bridge functions with their event source mappings and
 * permissions, and the pipeline's alarms and dashboard. It can be destroyed and redeployed without touching
 * any data. Existing source and sink tables are referenced here by name and ARN; with no data stack, so are
 * the existing network, Kafka and cache, and each bridge makes its own failure queues.
 */
export class PipelineBridgesStack extends Stack {
  readonly dynamoToKafka?: DynamoToKafkaBridge;
  readonly kinesisToKafka?: KinesisToKafkaBridge;
  readonly redisSink?: KafkaToRedisSink;
  readonly dynamoSink?: KafkaToDynamoSink;
  readonly observability: PipelineObservability;

  constructor(scope: Construct, id: string, props: PipelineBridgesStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const foundation = data ?? existingFoundation(this, config);
    const { network } = foundation;
    const placement: FunctionPlacement = {
      vpc: network.vpc,
      vpcSubnets: network.subnets,
      securityGroups: [network.functionSecurityGroup],
    };
    const kafka = foundation.kafkaAccess;
    const pollerGroupName = `${config.name}-kafka-sinks`;
    // One failure-record bucket per pipeline: the data stack's, or (nothing stateful to create) this stack's.
    const failureBucket =
      data?.failureRecords.bucket ??
      new FailureRecordBucket(this, 'FailureRecords', {
        ...(config.failureRecords?.expirationDays
          ? { expirationDays: config.failureRecords.expirationDays }
          : {}),
      }).bucket;
    const queuesOf = (handler: HandlerName) => {
      const queues = data?.queues.get(handler);
      return { ...(queues ? { deadLetterQueue: queues.deadLetters } : {}), onFailureBucket: failureBucket };
    };
    const existingSources = new Map(
      config.sources
        .filter((source) => source.existing !== undefined)
        .map((source) => [source.name, existingSource(this, source)]),
    );
    const kinesisStreams = new Map<string, kinesis.IStream>(data?.kinesisStreams ?? []);
    for (const [name, source] of existingSources) {
      if (source.kinesisStream) kinesisStreams.set(name, source.kinesisStream);
    }
    const deployed: DeployedBridge[] = [];

    const viaStreams = changeBridgeSlice(config, 'dynamodb-streams');
    if (viaStreams.sources.length > 0) {
      const tables = new Map<string, dynamodb.ITable>();
      for (const [name, source] of data?.sources ?? []) tables.set(name, source.table);
      for (const [name, source] of existingSources) tables.set(name, source.table);
      this.dynamoToKafka = new DynamoToKafkaBridge(this, 'DynamoToKafka', {
        functionName: `${config.name}-${HANDLERS.ddbStreamToKafka}`,
        slice: viaStreams,
        tables,
        kafka,
        governanceSalt: data?.governanceSalt,
        placement,
        ...queuesOf(HANDLERS.ddbStreamToKafka),
      });
      deployed.push({
        handler: HANDLERS.ddbStreamToKafka,
        source: 'stream',
        bridge: this.dynamoToKafka.bridge,
        queues: this.dynamoToKafka,
      });
    }

    const viaKinesis = changeBridgeSlice(config, 'kinesis');
    if (viaKinesis.sources.length > 0) {
      this.kinesisToKafka = new KinesisToKafkaBridge(this, 'KinesisToKafka', {
        functionName: `${config.name}-${HANDLERS.kinesisToKafka}`,
        slice: viaKinesis,
        streams: kinesisStreams,
        kafka,
        governanceSalt: data?.governanceSalt,
        placement,
        ...queuesOf(HANDLERS.kinesisToKafka),
      });
      deployed.push({
        handler: HANDLERS.kinesisToKafka,
        source: 'stream',
        bridge: this.kinesisToKafka.bridge,
        queues: this.kinesisToKafka,
      });
    }

    if (config.sinks.redis && foundation.cacheAccess) {
      this.redisSink = new KafkaToRedisSink(this, 'RedisSink', {
        functionName: `${config.name}-${HANDLERS.kafkaToRedis}`,
        sink: config.sinks.redis,
        kafka,
        cache: foundation.cacheAccess,
        placement,
        pollerGroupName,
        ...queuesOf(HANDLERS.kafkaToRedis),
      });
      deployed.push({
        handler: HANDLERS.kafkaToRedis,
        source: 'kafka',
        bridge: this.redisSink.bridge,
        queues: this.redisSink,
      });
    }

    if (config.sinks.dynamodb) {
      const sinkTables = new Map<string, dynamodb.ITable>(data?.sinkTables ?? []);
      for (const table of config.sinks.dynamodb.tables) {
        if (table.existing) sinkTables.set(table.name, existingSinkTable(this, table));
      }
      this.dynamoSink = new KafkaToDynamoSink(this, 'DynamoSink', {
        functionName: `${config.name}-${HANDLERS.kafkaToDynamodb}`,
        sink: config.sinks.dynamodb,
        tables: sinkTables,
        kafka,
        placement,
        pollerGroupName,
        ...queuesOf(HANDLERS.kafkaToDynamodb),
      });
      deployed.push({
        handler: HANDLERS.kafkaToDynamodb,
        source: 'kafka',
        bridge: this.dynamoSink.bridge,
        queues: this.dynamoSink,
      });
    }

    const queues: ObservedQueue[] = deployed.map(({ handler, queues: { deadLetterQueue } }) => ({
      name: `${handler}-dead-letters`,
      queue: deadLetterQueue,
    }));
    this.observability = new PipelineObservability(this, 'Observability', {
      dashboardName: `${config.name}-pipeline`,
      functions: deployed.map(({ handler, source, bridge }) => ({
        function: bridge.function,
        handler,
        source,
      })),
      queues,
      failureRecordBucket: failureBucket,
      subscriptions: config.alarms?.subscriptions ?? [],
      kinesisStreams: [...kinesisStreams.values()],
      // Alarms on what the pipeline runs; an existing cluster or cache is watched by its owner.
      ...(data?.cache ? { cache: { type: data.cache.config.type, metricIds: data.cache.metricIds } } : {}),
      ...(data?.kafka?.config.type === 'provisioned'
        ? { kafkaCluster: { clusterArn: data.kafka.clusterArn, brokerCount: data.kafka.config.brokerCount } }
        : {}),
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
