/**
 * Existing-resource declarations for tests (issue 15): the ARNs, ids and endpoints of a table, stream,
 * cluster, cache and VPC "another team" owns, and a pipeline config with every stateful thing existing.
 */
import type { PipelineConfig } from '../../config/types';

export const EXISTING_ACCOUNT = '123456789012';
export const EXISTING_REGION = 'eu-west-1';

export const EXISTING = {
  sessionsStreamArn: `arn:aws:dynamodb:${EXISTING_REGION}:${EXISTING_ACCOUNT}:table/sb-sessions/stream/2025-01-01T00:00:00.000`,
  telemetryKinesisArn: `arn:aws:kinesis:${EXISTING_REGION}:${EXISTING_ACCOUNT}:stream/shared-telemetry`,
  mskClusterArn: `arn:aws:kafka:${EXISTING_REGION}:${EXISTING_ACCOUNT}:cluster/shared-msk/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-3`,
  mskScramSecretArn: `arn:aws:secretsmanager:${EXISTING_REGION}:${EXISTING_ACCOUNT}:secret:AmazonMSK_bridges-AbCdEf`,
  mskSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
  selfManagedBrokers: ['kafka-1.internal.example.com:9096', 'kafka-2.internal.example.com:9096'],
  selfManagedSecretArn: `arn:aws:secretsmanager:${EXISTING_REGION}:${EXISTING_ACCOUNT}:secret:kafka-bridges-AbCdEf`,
  selfManagedSecurityGroupId: 'sg-0b1c2d3e4f5061728',
  cache: {
    primaryEndpoint: 'master.shared-cache.abc123.euw1.cache.amazonaws.com',
    readerEndpoint: 'replica.shared-cache.abc123.euw1.cache.amazonaws.com',
    port: 6379,
    tls: true,
    authSecretArn: `arn:aws:secretsmanager:${EXISTING_REGION}:${EXISTING_ACCOUNT}:secret:cache-bridges-AbCdEf`,
    clusterMode: false,
    securityGroupId: 'sg-0c1d2e3f405162738',
  },
  network: {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  },
  bridgesSecurityGroupId: 'sg-0d1e2f30415263748',
} as const;

/** The existing MSK cluster, with IAM auth. */
export const EXISTING_MSK = {
  type: 'msk',
  clusterArn: EXISTING.mskClusterArn,
  auth: 'iam',
  securityGroupId: EXISTING.mskSecurityGroupId,
} as const;

/** A self-managed Kafka with SASL/SCRAM, in the VPC. */
export const EXISTING_SELF_MANAGED_KAFKA = {
  type: 'self-managed',
  bootstrapBrokers: EXISTING.selfManagedBrokers,
  auth: 'scram',
  secretArn: EXISTING.selfManagedSecretArn,
  securityGroupId: EXISTING.selfManagedSecurityGroupId,
} as const;

/**
 * A small pipeline where everything stateful exists: a streams-path and a Kinesis-path source, an MSK
 * cluster, existing topics, a cache, a sink table and a VPC.
 */
export const ALL_EXISTING_CONFIG: PipelineConfig = {
  name: 'byo',
  network: { existing: { ...EXISTING.network, securityGroupId: EXISTING.bridgesSecurityGroupId } },
  kafka: { existing: EXISTING_MSK },
  cache: { existing: EXISTING.cache },
  topics: [
    { name: 'sessions.changes', partitions: 3, existing: true },
    { name: 'telemetry.changes', partitions: 6, existing: true },
  ],
  sources: [
    {
      name: 'sb-sessions',
      partitionKey: { name: 'sessionId', type: 'S' },
      topic: 'sessions.changes',
      existing: { streamArn: EXISTING.sessionsStreamArn },
    },
    {
      name: 'shared-telemetry-table',
      partitionKey: { name: 'deviceId', type: 'S' },
      sortKey: { name: 'ts', type: 'N' },
      via: 'kinesis',
      topic: 'telemetry.changes',
      existing: { kinesisStreamArn: EXISTING.telemetryKinesisArn },
    },
  ],
  sinks: {
    redis: {
      consumerGroup: 'byo-redis-sink',
      mappings: [
        {
          name: 'sessions',
          topic: 'sessions.changes',
          operation: 'session',
          key: 'session:{sessionId}',
          ttlSeconds: 1800,
        },
      ],
    },
    dynamodb: {
      consumerGroup: 'byo-dynamodb-sink',
      tables: [
        {
          name: 'shared-telemetry-series',
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
          existing: true,
        },
      ],
      mappings: [
        {
          name: 'telemetry',
          topic: 'telemetry.changes',
          mode: 'timeseries',
          table: 'shared-telemetry-series',
          partitionKey: { name: 'pk', template: 'device#{deviceId}' },
          timestampField: 'ts',
        },
      ],
    },
  },
};
