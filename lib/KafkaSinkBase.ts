import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventSourceSettings, MappingBase } from '../config/types';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import type { FunctionHandler } from './constants';
import { FailureRecordBucket } from './FailureRecordBucket';
import { addKafkaEventSources } from './kafkaEventSources';
import type { FunctionPlacement, KafkaAccess } from './types';

/** Props every Kafka sink takes; each sink adds its config and where it writes. */
export interface KafkaSinkBaseProps {
  readonly functionName: string;
  readonly kafka: KafkaAccess;
  readonly placement: FunctionPlacement;
  /** Event source mappings with the same poller group share provisioned poller capacity. */
  readonly pollerGroupName: string;
  /** Default: a new encrypted, TLS-only queue. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Where the mappings write the batches they give up on. Default: a new `FailureRecordBucket`. */
  readonly onFailureBucket?: s3.IBucket;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/** The part of a sink's config the base reads: its consumer group, mappings and event source settings. */
export interface KafkaSinkConfig {
  readonly consumerGroup: string;
  readonly mappings: readonly MappingBase[];
  readonly eventSource?: EventSourceSettings;
}

/** What makes one sink differ from the other: its handler, config, environment and write access. */
export interface KafkaSinkHandler {
  readonly handler: FunctionHandler;
  /** Passed to the handler as its config slice, and read for the event source mappings. */
  readonly sink: KafkaSinkConfig;
  /** Further `HANDLER_ENV` variables (where the sink writes). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Grants `role` access to where the sink writes; throws (naming `path`) when that is missing. */
  readonly grantWrite: (role: iam.IRole, path: string) => void;
}

/**
 * What both Kafka sinks share: the handler function with its queues and write access, subscribed to every
 * topic of its mappings (provisioned pollers, partial batch responses, bisect, finite retries and record
 * age, an S3 on-failure destination) with consume access to exactly those topics and groups.
 */
export abstract class KafkaSinkBase extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureBucket: s3.IBucket;

  protected constructor(scope: Construct, id: string, props: KafkaSinkBaseProps, sink: KafkaSinkHandler) {
    super(scope, id);
    this.deadLetterQueue = BridgeQueues.orGiven(this, props);
    this.onFailureBucket = props.onFailureBucket ?? new FailureRecordBucket(this, 'FailureRecords').bucket;

    this.bridge = new BridgeFunction(this, 'Handler', {
      handler: sink.handler,
      functionName: props.functionName,
      placement: props.placement,
      config: sink.sink,
      deadLetterQueue: this.deadLetterQueue,
      environment: sink.environment,
      functionProps: props.functionProps,
    });
    sink.grantWrite(this.bridge.role, this.node.path);
    this.eventSourceMappings = addKafkaEventSources(this, this.bridge, {
      kafka: props.kafka,
      placement: props.placement,
      consumerGroup: sink.sink.consumerGroup,
      mappings: sink.sink.mappings,
      eventSource: sink.sink.eventSource,
      onFailureBucket: this.onFailureBucket,
      pollerGroupName: props.pollerGroupName,
    });
  }
}
