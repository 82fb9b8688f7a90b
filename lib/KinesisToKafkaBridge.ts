import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ChangeBridgeSlice } from '../lambdas/core/config/validatePipelineConfig';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import { HANDLERS } from './constants';
import { streamEventSourceOptions } from './defaults/eventSourceDefaults';
import { hashesAttributes, kafkaProducerEnvironment } from './handlerEnvironment';
import { grantKafkaProduce } from './kafkaPermissions';
import type { FunctionPlacement, KafkaAccess } from './types';

export interface KinesisToKafkaBridgeProps {
  readonly functionName: string;
  /** The sources whose changes arrive through Kinesis, and the topics they publish to. */
  readonly slice: ChangeBridgeSlice;
  /** Each source's Kinesis streaming destination, by source table name. */
  readonly streams: ReadonlyMap<string, kinesis.IStream>;
  readonly kafka: KafkaAccess;
  /** Salt of `governance.hash` (`GOVERNANCE_HASH_SALT`); share one between bridges to keep hashes joinable. */
  readonly governanceSalt?: secretsmanager.ISecret;
  readonly placement: FunctionPlacement;
  readonly deadLetterQueue?: sqs.IQueue;
  readonly onFailureQueue?: sqs.IQueue;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/**
 * Kinesis Data Streams for DynamoDB → Kafka: the kinesis-to-kafka handler with one event source mapping per
 * stream (the same defaults as the DynamoDB Streams path), read access to exactly those streams, and
 * produce access to exactly the sources' topics.
 *
 * @example
 * ```ts
 * new KinesisToKafkaBridge(this, 'Bridge', {
 *   functionName: 'shop-kinesis-to-kafka', slice: changeBridgeSlice(config, 'kinesis'),
 *   streams: new Map([['telemetry', telemetry.kinesisStream]]), kafka: cluster.access, placement,
 * });
 * ```
 */
export class KinesisToKafkaBridge extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: KinesisToKafkaBridgeProps) {
    super(scope, id);
    const queues = BridgeQueues.orGiven(this, props);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    this.bridge = new BridgeFunction(this, 'Handler', {
      handler: HANDLERS.kinesisToKafka,
      functionName: props.functionName,
      placement: props.placement,
      config: props.slice,
      deadLetterQueue: this.deadLetterQueue,
      environment: kafkaProducerEnvironment(
        props.kafka,
        hashesAttributes(props.slice) ? props.governanceSalt : undefined,
      ),
      functionProps: props.functionProps,
    });
    grantKafkaProduce(
      this,
      this.bridge.role,
      props.kafka,
      props.slice.topics.map((topic) => topic.name),
    );

    const onFailure = new SqsDlq(this.onFailureQueue);
    this.eventSourceMappings = props.slice.sources.map((source) => {
      const stream = props.streams.get(source.name);
      if (!stream) throw new Error(`${this.node.path}: source "${source.name}" has no Kinesis stream`);
      stream.grantRead(this.bridge.role);
      const mapping = new lambda.EventSourceMapping(this, `Source-${source.name}`, {
        target: this.bridge.function,
        ...streamEventSourceOptions(stream.streamArn, source.eventSource, onFailure),
      });
      mapping.node.addDependency(this.bridge.role);
      return mapping;
    });
  }
}
