import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { changeBridgeSlice } from '../config/handlerSlices';
import type { PipelineConfig } from '../config/types';
import type { BridgeFunction } from './BridgeFunction';
import type { BridgeQueues } from './BridgeQueues';
import { HANDLERS, type HandlerName } from './constants';
import { DynamoToKafkaBridge } from './DynamoToKafkaBridge';
import { KafkaToDynamoSink } from './KafkaToDynamoSink';
import { KafkaToRedisSink } from './KafkaToRedisSink';
import { KinesisToKafkaBridge } from './KinesisToKafkaBridge';
import type { PipelineDataStack } from './PipelineDataStack';
import { type ObservedFunction, type ObservedQueue, PipelineObservability } from './PipelineObservability';
import type { FunctionPlacement } from './types';

export interface PipelineBridgesStackProps extends StackProps {
  readonly config: PipelineConfig;
  readonly data: PipelineDataStack;
}

interface DeployedBridge {
  readonly handler: HandlerName;
  readonly source: ObservedFunction['source'];
  readonly bridge: BridgeFunction;
}

/**
 * The stateless half of a pipeline: the four bridge functions with their event source mappings and
 * permissions, and the pipeline's alarms and dashboard. It can be destroyed and redeployed without touching
 * any data.
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
    const placement: FunctionPlacement = {
      vpc: data.network.vpc,
      vpcSubnets: data.network.subnets,
      securityGroups: [data.network.functionSecurityGroup],
    };
    const kafka = data.kafka.access;
    const pollerGroupName = `${config.name}-kafka-sinks`;
    const queuesOf = (handler: HandlerName) => {
      const queues = data.queues.get(handler) as BridgeQueues;
      return { deadLetterQueue: queues.deadLetters, onFailureQueue: queues.onFailure };
    };
    const deployed: DeployedBridge[] = [];

    const viaStreams = changeBridgeSlice(config, 'dynamodb-streams');
    if (viaStreams.sources.length > 0) {
      const tables = new Map<string, dynamodb.ITable>();
      for (const [name, source] of data.sources) tables.set(name, source.table);
      this.dynamoToKafka = new DynamoToKafkaBridge(this, 'DynamoToKafka', {
        functionName: `${config.name}-${HANDLERS.ddbStreamToKafka}`,
        slice: viaStreams,
        tables,
        kafka,
        governanceSalt: data.governanceSalt,
        placement,
        ...queuesOf(HANDLERS.ddbStreamToKafka),
      });
      deployed.push({
        handler: HANDLERS.ddbStreamToKafka,
        source: 'stream',
        bridge: this.dynamoToKafka.bridge,
      });
    }

    const viaKinesis = changeBridgeSlice(config, 'kinesis');
    if (viaKinesis.sources.length > 0) {
      this.kinesisToKafka = new KinesisToKafkaBridge(this, 'KinesisToKafka', {
        functionName: `${config.name}-${HANDLERS.kinesisToKafka}`,
        slice: viaKinesis,
        streams: data.kinesisStreams,
        kafka,
        governanceSalt: data.governanceSalt,
        placement,
        ...queuesOf(HANDLERS.kinesisToKafka),
      });
      deployed.push({
        handler: HANDLERS.kinesisToKafka,
        source: 'stream',
        bridge: this.kinesisToKafka.bridge,
      });
    }

    if (config.sinks.redis && data.cache) {
      this.redisSink = new KafkaToRedisSink(this, 'RedisSink', {
        functionName: `${config.name}-${HANDLERS.kafkaToRedis}`,
        sink: config.sinks.redis,
        kafka,
        cache: data.cache.access,
        placement,
        pollerGroupName,
        ...queuesOf(HANDLERS.kafkaToRedis),
      });
      deployed.push({ handler: HANDLERS.kafkaToRedis, source: 'kafka', bridge: this.redisSink.bridge });
    }

    if (config.sinks.dynamodb) {
      this.dynamoSink = new KafkaToDynamoSink(this, 'DynamoSink', {
        functionName: `${config.name}-${HANDLERS.kafkaToDynamodb}`,
        sink: config.sinks.dynamodb,
        tables: data.sinkTables,
        kafka,
        placement,
        pollerGroupName,
        ...queuesOf(HANDLERS.kafkaToDynamodb),
      });
      deployed.push({ handler: HANDLERS.kafkaToDynamodb, source: 'kafka', bridge: this.dynamoSink.bridge });
    }

    const queues: ObservedQueue[] = deployed.flatMap(({ handler }) => {
      const { deadLetterQueue, onFailureQueue } = queuesOf(handler);
      return [
        { name: `${handler}-dead-letters`, queue: deadLetterQueue },
        { name: `${handler}-on-failure`, queue: onFailureQueue },
      ];
    });
    this.observability = new PipelineObservability(this, 'Observability', {
      dashboardName: `${config.name}-pipeline`,
      functions: deployed.map(({ handler, source, bridge }) => ({
        function: bridge.function,
        handler,
        source,
      })),
      queues,
      subscriptions: config.alarms?.subscriptions ?? [],
      kinesisStreams: [...data.kinesisStreams.values()],
      ...(data.cache ? { cache: { type: data.cache.config.type, metricIds: data.cache.metricIds } } : {}),
      ...(data.kafka.config.type === 'provisioned'
        ? { kafkaCluster: { clusterArn: data.kafka.clusterArn, brokerCount: data.kafka.config.brokerCount } }
        : {}),
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
