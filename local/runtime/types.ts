/**
 * The local deployment model: what `streambridge local deploy` made of a synthesized template, and what
 * the local runtime (execution environments and event source pollers) runs. Logical ids are the
 * template's; every reference is already resolved to local names and endpoints.
 */
import type { FilterPattern } from '../../config/types';

export interface LocalTable {
  readonly logicalId: string;
  readonly tableName: string;
  /** Stream ARN as the local DynamoDB Streams endpoint reports it; absent when streams are off. */
  readonly streamArn?: string;
  readonly streamViewType?: string;
  readonly ttlAttribute?: string;
  /** Logical id of the Kinesis stream this table's changes are forwarded to (streaming destination). */
  readonly kinesisDestination?: string;
}

export interface LocalKinesisStream {
  readonly logicalId: string;
  readonly streamName: string;
  readonly streamArn: string;
  readonly shardCount: number;
}

export interface LocalTopic {
  readonly logicalId: string;
  readonly name: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface LocalQueue {
  readonly logicalId: string;
  readonly queueName: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** An S3 bucket on moto: locally, the on-failure destination that keeps whole invocation records. */
export interface LocalBucket {
  readonly logicalId: string;
  readonly bucketName: string;
  readonly bucketArn: string;
}

export interface LocalFunction {
  readonly logicalId: string;
  readonly functionName: string;
  /** Absolute path of the bundled asset folder in cdk.out. */
  readonly assetDir: string;
  /** `index.handler` form: file (without extension) and export name. */
  readonly handler: string;
  /** Template environment with references resolved to local names and endpoints. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export type EventSourceKind = 'dynamodb-streams' | 'kinesis' | 'kafka';

export interface LocalEventSourceMapping {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly kind: EventSourceKind;
  /** Stream ARN for dynamodb-streams and kinesis. */
  readonly sourceArn?: string;
  /** Topics and consumer group for kafka. */
  readonly topics?: readonly string[];
  readonly consumerGroupId?: string;
  readonly enabled: boolean;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly parallelizationFactor: number;
  readonly bisectOnError: boolean;
  /** -1 = unbounded, as in AWS. */
  readonly maxRetryAttempts: number;
  /** -1 = unbounded, as in AWS. */
  readonly maxRecordAgeSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly filters: readonly FilterPattern[];
  /** Resolved SQS on-failure destination (metadata only, as in AWS). */
  readonly onFailureQueueUrl?: string;
  /** Resolved S3 on-failure destination (the whole invocation record, as in AWS). */
  readonly onFailureBucketName?: string;
}

/** `InputTransformer` of a rule target: values read from the event by JSON path, put into a template. */
export interface LocalInputTransformer {
  readonly inputPathsMap: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/** A function target of a scheduled rule, with what the function receives instead of the event, if set. */
export interface LocalScheduleTarget {
  readonly id: string;
  readonly functionLogicalId: string;
  /** `Input`: JSON text the function receives instead of the event. */
  readonly input?: string;
  /** `InputPath`: the part of the event the function receives. */
  readonly inputPath?: string;
  readonly inputTransformer?: LocalInputTransformer;
}

/** An `AWS::Events::Rule` with a `ScheduleExpression`: the local runtime fires it like EventBridge. */
export interface LocalScheduleRule {
  readonly logicalId: string;
  readonly ruleName: string;
  readonly ruleArn: string;
  /** `rate(...)` or `cron(...)`, checked at deploy time. */
  readonly scheduleExpression: string;
  readonly enabled: boolean;
  readonly targets: readonly LocalScheduleTarget[];
}

export interface SkippedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

export interface LocalDeployment {
  readonly stackNames: readonly string[];
  readonly tables: readonly LocalTable[];
  readonly kinesisStreams: readonly LocalKinesisStream[];
  readonly topics: readonly LocalTopic[];
  readonly queues: readonly LocalQueue[];
  /** Absent in a state file written before buckets were deployed. */
  readonly buckets?: readonly LocalBucket[];
  readonly functions: readonly LocalFunction[];
  readonly eventSourceMappings: readonly LocalEventSourceMapping[];
  /** Absent in state files written before scheduled rules were deployed. */
  readonly scheduleRules?: readonly LocalScheduleRule[];
  readonly skipped: readonly SkippedResource[];
}
