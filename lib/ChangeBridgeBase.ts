import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SourceTableConfig } from '../config/types';
import type { ChangeBridgeSlice } from '../config/validatePipelineConfig';
import { BridgeFunction } from './BridgeFunction';
import { BridgeQueues } from './BridgeQueues';
import type { FunctionHandler } from './constants';
import { streamEventSourceOptions } from './defaults/eventSourceDefaults';
import { FailureRecordBucket } from './FailureRecordBucket';
import { hashesAttributes, kafkaProducerEnvironment } from './handlerEnvironment';
import { grantKafkaProduce } from './kafkaPermissions';
import { S3FailureDestination } from './S3FailureDestination';
import type { FunctionPlacement, KafkaAccess } from './types';

/** Props every change bridge takes; each path adds where its sources' streams come from. */
export interface ChangeBridgeBaseProps {
  readonly functionName: string;
  /** The sources this path carries, and the topics they publish to. */
  readonly slice: ChangeBridgeSlice;
  readonly kafka: KafkaAccess;
  /**
   * Secret holding the salt of `governance.hash` (`GOVERNANCE_HASH_SALT_SECRET_ARN`, read at cold start);
   * share one between bridges to keep hashes joinable.
   */
  readonly governanceSalt?: secretsmanager.ISecret;
  readonly placement: FunctionPlacement;
  /** Default: a new encrypted, TLS-only queue. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Where the mappings write the batches they give up on. Default: a new `FailureRecordBucket`. */
  readonly onFailureBucket?: s3.IBucket;
  readonly functionProps?: Partial<nodejs.NodejsFunctionProps>;
}

/**
 * Grants `role` read access to a source's stream and returns the stream ARN its event source mapping reads;
 * throws (naming `path`) when the source has none.
 */
export type SourceStreamReader = (source: SourceTableConfig, role: iam.IRole, path: string) => string;

/**
 * What both change bridges share: the handler function with its queues and Kafka produce access to exactly
 * the slice's topics, and one event source mapping per source stream (partial batch responses, bisect,
 * finite retries and record age, filters and batching from the config, an S3 on-failure destination).
 */
export abstract class ChangeBridgeBase extends Construct {
  readonly bridge: BridgeFunction;
  readonly eventSourceMappings: readonly lambda.EventSourceMapping[];
  readonly deadLetterQueue: sqs.IQueue;
  readonly onFailureBucket: s3.IBucket;

  protected constructor(
    scope: Construct,
    id: string,
    props: ChangeBridgeBaseProps,
    handler: FunctionHandler,
    readStream: SourceStreamReader,
  ) {
    super(scope, id);
    this.deadLetterQueue = BridgeQueues.orGiven(this, props);
    this.onFailureBucket = props.onFailureBucket ?? new FailureRecordBucket(this, 'FailureRecords').bucket;

    const salt = hashesAttributes(props.slice) ? props.governanceSalt : undefined;
    this.bridge = new BridgeFunction(this, 'Handler', {
      handler,
      functionName: props.functionName,
      placement: props.placement,
      config: props.slice,
      deadLetterQueue: this.deadLetterQueue,
      environment: kafkaProducerEnvironment(props.kafka, salt),
      functionProps: props.functionProps,
    });
    salt?.grantRead(this.bridge.role);
    grantKafkaProduce(
      this,
      this.bridge.role,
      props.kafka,
      props.slice.topics.map((topic) => topic.name),
    );

    const onFailure = new S3FailureDestination(this.onFailureBucket);
    this.eventSourceMappings = props.slice.sources.map((source) => {
      const streamArn = readStream(source, this.bridge.role, this.node.path);
      const mapping = new lambda.EventSourceMapping(this, `Source-${source.name}`, {
        target: this.bridge.function,
        ...streamEventSourceOptions(streamArn, source.eventSource, onFailure),
      });
      // Lambda checks the role's permissions when it creates the mapping.
      mapping.node.addDependency(this.bridge.role);
      return mapping;
    });
  }
}
