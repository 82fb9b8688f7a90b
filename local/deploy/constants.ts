/** Constants of the local deployer: file locations, AWS defaults, resource types and skip reasons. */

/** Where the deployer keeps what it deployed: the state file relative to the project root, the rest beside it. */
export const DEPLOY_PATHS = {
  stateFile: '.streambridge/deployment.json',
  /** Inline (`ZipFile`) function code is written here so it runs like a bundled asset. */
  inlineCodeDir: 'inline-code',
  /** Kinesis streaming destination checkpoints (last forwarded sequence number per table). */
  checkpointDir: 'streaming-destinations',
  /** Event source poller checkpoints of `streambridge local run` (the runtime's file). */
  runtimeCheckpointFile: 'runtime-checkpoints.json',
  assemblyDir: 'cdk.out',
} as const;

/** moto's default account; used for the `AWS::AccountId` pseudo parameter and placeholder ARNs. */
export const LOCAL_ACCOUNT_ID = '123456789012';

export const RESOURCE_KINDS = {
  table: 'table',
  kinesisStream: 'kinesis-stream',
  topic: 'topic',
  queue: 'queue',
  bucket: 'bucket',
  function: 'function',
  eventSourceMapping: 'event-source-mapping',
  scheduleRule: 'schedule-rule',
  other: 'other',
} as const;

export const DEPLOY_ACTIONS = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  skipped: 'skipped',
  /** A resource that left the template and was removed from the server. */
  deleted: 'deleted',
  /** A resource that left the template but whose DeletionPolicy keeps it. */
  retained: 'retained',
  /** A change that cannot be made in place (e.g. a new key schema); the resource was left as it is. */
  blocked: 'blocked',
} as const;

export const CFN_TYPES = {
  table: 'AWS::DynamoDB::Table',
  globalTable: 'AWS::DynamoDB::GlobalTable',
  kinesisStream: 'AWS::Kinesis::Stream',
  kinesisConsumer: 'AWS::Kinesis::StreamConsumer',
  mskTopic: 'AWS::MSK::Topic',
  mskCluster: 'AWS::MSK::Cluster',
  mskServerlessCluster: 'AWS::MSK::ServerlessCluster',
  queue: 'AWS::SQS::Queue',
  bucket: 'AWS::S3::Bucket',
  function: 'AWS::Lambda::Function',
  eventSourceMapping: 'AWS::Lambda::EventSourceMapping',
  alias: 'AWS::Lambda::Alias',
  version: 'AWS::Lambda::Version',
  replicationGroup: 'AWS::ElastiCache::ReplicationGroup',
  cacheCluster: 'AWS::ElastiCache::CacheCluster',
  serverlessCache: 'AWS::ElastiCache::ServerlessCache',
  customResource: 'AWS::CloudFormation::CustomResource',
  eventRule: 'AWS::Events::Rule',
} as const;

/**
 * Lambda event source mapping defaults, as AWS applies them when the template is silent.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 */
export const EVENT_SOURCE_MAPPING_DEFAULTS = {
  batchSize: 100,
  /** Streams (Kinesis, DynamoDB): no batching window. */
  streamBatchingWindowSeconds: 0,
  /** Amazon MSK and self-managed Kafka: "the default batching window is 500 ms". */
  kafkaBatchingWindowSeconds: 0.5,
  parallelizationFactor: 1,
  bisectOnError: false,
  maxRetryAttempts: -1,
  maxRecordAgeSeconds: -1,
  enabled: true,
} as const;

/** Lambda function defaults (CloudFormation `AWS::Lambda::Function`). */
export const FUNCTION_DEFAULTS = {
  timeoutSeconds: 3,
  memoryMb: 128,
} as const;

/** Kinesis: provisioned streams need a shard count; on-demand streams start with 4 shards on AWS. */
export const KINESIS_DEFAULTS = {
  onDemandShardCount: 4,
  retentionHours: 24,
} as const;

/** Why a resource type has no local counterpart; matched by exact type first, then by type prefix. */
export const SKIP_REASONS: Readonly<Record<string, string>> = {
  'AWS::MSK::Cluster': 'mapped to the local Kafka broker (KAFKA_BROKERS, plaintext)',
  'AWS::MSK::ServerlessCluster': 'mapped to the local Kafka broker (KAFKA_BROKERS, plaintext)',
  'AWS::MSK::Configuration': 'broker configuration of the MSK cluster; the local broker has its own',
  'AWS::ElastiCache::': 'mapped to the local redis-server (REDIS_URL, no TLS, no auth)',
  'AWS::EC2::': 'networking has no local meaning: every server listens on 127.0.0.1',
  'AWS::IAM::': 'IAM is not enforced by the local servers',
  'AWS::KMS::': 'encryption at rest is not emulated locally',
  'AWS::Logs::': 'function logs go to the local runtime output',
  'AWS::CloudWatch::': 'alarms and dashboards need CloudWatch, which has no local stand-in',
  'AWS::ApplicationAutoScaling::': 'capacity and storage autoscaling has no local meaning',
  'AWS::SecretsManager::': 'the local servers need no credentials',
  'AWS::SNS::': 'SNS has no local stand-in',
  'AWS::SSM::': 'SSM Parameter Store has no local stand-in',
  'AWS::S3::': 'bucket settings and policies have no local meaning (the bucket itself is created on moto)',
  'AWS::Lambda::Permission': 'invoke permissions are not enforced locally',
  'AWS::Lambda::EventInvokeConfig': 'asynchronous invocation settings do not apply to local pollers',
  'AWS::Lambda::Alias': 'the local runtime always runs the function itself',
  'AWS::Lambda::Version': 'the local runtime always runs the function itself',
  'AWS::Lambda::LayerVersion': 'layers are not mounted locally',
  'AWS::Lambda::Url': 'function URLs are not served locally',
  'AWS::SQS::QueuePolicy': 'queue policies are not enforced locally',
  'AWS::Kinesis::StreamConsumer': 'enhanced fan-out consumer: the local poller reads the stream itself',
  'AWS::CDK::Metadata': 'CDK usage metadata',
  'AWS::CloudFormation::Stack': 'nested stacks are not deployed locally',
  'AWS::CloudFormation::CustomResource': 'custom resources run only inside CloudFormation',
  'AWS::CloudFormation::WaitCondition': 'CloudFormation bookkeeping',
  'AWS::CloudFormation::WaitConditionHandle': 'CloudFormation bookkeeping',
  'Custom::': 'custom resources run only inside CloudFormation',
};

/** The local broker is a single node, so every topic gets one replica whatever the template asks. */
export const LOCAL_REPLICATION_FACTOR = 1;
