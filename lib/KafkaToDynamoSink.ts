import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DynamoSinkConfig } from '../lambdas/core/config/types';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import { HANDLERS } from './constants';
import { addKafkaEventSources } from './kafkaEventSources';
import type { FunctionPlacement, KafkaAccess } from './types';

export interface KafkaToDynamoSinkProps {
  readonly functionName: string;
  readonly sink: DynamoSinkConfig;
  /** The sink tables by name (every `sink.tables` entry). */
  readonly tables: ReadonlyMap<string, dynamodb.ITable>;
  readonly kafka: KafkaAccess;
  readonly placement: FunctionPlacement;
  readonly pollerGroupName: string;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly onFailureQueue?: sqs.IQueue;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/** Item reads and writes the sink modes use: conditional puts/updates, batch writes, version reads. */
const SINK_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

/**
 * Kafka → DynamoDB: the kafka-to-dynamodb handler subscribed to every topic of its mappings (the same
 * event source defaults as the Redis sink), with item read/write access to exactly its sink tables (no
 * scans, no indexes, no table management).
 *
 * @example
 * ```ts
 * new KafkaToDynamoSink(this, 'DynamoSink', {
 *   functionName: 'shop-kafka-to-dynamodb', sink: config.sinks.dynamodb, tables, kafka: cluster.access,
 *   placement, pollerGroupName: 'shop-kafka-sinks',
 * });
 * ```
 */
export class KafkaToDynamoSink extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: KafkaToDynamoSinkProps) {
    super(scope, id);
    const queues = BridgeQueues.orGiven(this, props);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    this.bridge = new BridgeFunction(this, 'Handler', {
      handler: HANDLERS.kafkaToDynamodb,
      functionName: props.functionName,
      placement: props.placement,
      config: props.sink,
      deadLetterQueue: this.deadLetterQueue,
      functionProps: props.functionProps,
    });
    const tableArns = props.sink.tables.map((table) => {
      const resource = props.tables.get(table.name);
      if (!resource) throw new Error(`${this.node.path}: sink table "${table.name}" is missing`);
      return resource.tableArn;
    });
    this.bridge.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...SINK_TABLE_ACTIONS], resources: tableArns }),
    );
    this.eventSourceMappings = addKafkaEventSources(this, this.bridge, {
      kafka: props.kafka,
      consumerGroup: props.sink.consumerGroup,
      mappings: props.sink.mappings,
      eventSource: props.sink.eventSource,
      onFailureQueue: this.onFailureQueue,
      pollerGroupName: props.pollerGroupName,
    });
  }
}
