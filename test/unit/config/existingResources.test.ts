/**
 * Config errors of resources declared `existing` (issue 15): each names the field, whether the schema or a
 * semantic rule finds it; and the deployment checks leave an existing cluster's placement to its owner.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { changeBridgeSlice } from '../../../config/handlerSlices';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import { validateDeploymentConfig } from '../../../lib/validateDeploymentConfig';
import { ALL_EXISTING_CONFIG, EXISTING } from '../../factories/existingResources';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a copy of the config to break one rule
type Loose = any;

function issuesOf(mutate: (c: Loose) => void, check = validatePipelineConfig): readonly string[] {
  const copy = structuredClone(ALL_EXISTING_CONFIG) as Loose;
  mutate(copy);
  try {
    check(copy);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('existing resources in the pipeline config', () => {
  it('accepts a pipeline where everything stateful exists', () => {
    // Act
    const issues = issuesOf(
      () => {},
      (c) => validateDeploymentConfig(validatePipelineConfig(c)),
    );
    // Assess
    expect(issues).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, string]>([
    [
      'a table on the streams path without a stream ARN',
      (c) => delete c.sources[0].existing.streamArn,
      'sources[0].existing.streamArn: required for an existing table with via "dynamodb-streams"',
    ],
    [
      'a table on the Kinesis path without a Kinesis stream ARN',
      (c) => delete c.sources[1].existing.kinesisStreamArn,
      'sources[1].existing.kinesisStreamArn: required for an existing table with via "kinesis"',
    ],
    [
      'a Kinesis stream ARN on the streams path',
      (c) => (c.sources[0].existing.kinesisStreamArn = EXISTING.telemetryKinesisArn),
      'sources[0].existing.kinesisStreamArn: is not used with via "dynamodb-streams"',
    ],
    [
      'the stream of another table',
      (c) => (c.sources[0].existing.streamArn = EXISTING.sessionsStreamArn.replace('sb-sessions', 'other')),
      'sources[0].existing.streamArn: is the stream of table "other", not of "sb-sessions"',
    ],
    [
      'a stream ARN that is not one',
      (c) => (c.sources[0].existing.streamArn = EXISTING.telemetryKinesisArn),
      'sources[0].existing.streamArn: "arn:aws:kinesis',
    ],
    [
      'Kinesis settings on an existing table',
      (c) => (c.sources[1].kinesis = { shardCount: 2 }),
      'sources[1].kinesis: the stream of an existing table is not ours to size',
    ],
    [
      'an MSK cluster without auth',
      (c) => delete c.kafka.existing.auth,
      'kafka.existing.auth: must be one of iam, scram (got nothing)',
    ],
    [
      'an MSK cluster without its ARN',
      (c) => delete c.kafka.existing.clusterArn,
      'kafka.existing.clusterArn: must be a non-empty string',
    ],
    [
      'an MSK SCRAM cluster without its secret',
      (c) => (c.kafka.existing.auth = 'scram'),
      'kafka.existing.scramSecretArn: required with auth "scram"',
    ],
    [
      'an MSK SCRAM secret that is not an AmazonMSK_ one',
      (c) =>
        Object.assign(c.kafka.existing, { auth: 'scram', scramSecretArn: EXISTING.selfManagedSecretArn }),
      'kafka.existing.scramSecretArn: "arn:aws:secretsmanager',
    ],
    [
      'a SCRAM secret with IAM auth',
      (c) => (c.kafka.existing.scramSecretArn = EXISTING.mskScramSecretArn),
      'kafka.existing.scramSecretArn: is used only with auth "scram"',
    ],
    [
      'an MSK cluster without the security group to allow the bridges into',
      (c) => delete c.kafka.existing.securityGroupId,
      'kafka.existing.securityGroupId: must be a non-empty string',
    ],
    [
      'an unknown kind of existing cluster',
      (c) => (c.kafka.existing.type = 'confluent'),
      'kafka.existing.type: must be one of msk, self-managed (got "confluent")',
    ],
    [
      'a self-managed Kafka without brokers',
      (c) =>
        (c.kafka.existing = {
          type: 'self-managed',
          bootstrapBrokers: [],
          auth: 'scram',
          secretArn: EXISTING.selfManagedSecretArn,
        }),
      'kafka.existing.bootstrapBrokers: must have at least 1 entry',
    ],
    [
      'a self-managed broker without a port',
      (c) =>
        (c.kafka.existing = {
          type: 'self-managed',
          bootstrapBrokers: ['kafka-1.internal'],
          auth: 'mtls',
          secretArn: EXISTING.selfManagedSecretArn,
        }),
      'kafka.existing.bootstrapBrokers[0]: "kafka-1.internal" is not valid: host:port',
    ],
    [
      'a self-managed Kafka without its secret',
      (c) => (c.kafka.existing = { type: 'self-managed', bootstrapBrokers: ['k:9096'], auth: 'scram' }),
      'kafka.existing.secretArn: must be a non-empty string',
    ],
    [
      'IAM auth on a self-managed Kafka',
      (c) =>
        (c.kafka.existing = {
          type: 'self-managed',
          bootstrapBrokers: ['k:9096'],
          auth: 'iam',
          secretArn: EXISTING.selfManagedSecretArn,
        }),
      'kafka.existing.auth: must be one of scram, mtls (got "iam")',
    ],
    [
      'a broker count beside an existing cluster',
      (c) => (c.kafka.brokerCount = 3),
      'kafka.brokerCount: an existing cluster is not created',
    ],
    [
      'a cluster type beside an existing cluster',
      (c) => (c.kafka.type = 'serverless'),
      'kafka.type: an existing cluster is not created',
    ],
    [
      'an instance type beside an existing cluster',
      (c) => (c.kafka.instanceType = 'kafka.m5.large'),
      'kafka.instanceType: an existing cluster is not created',
    ],
    [
      'a retention on an existing topic',
      (c) => (c.topics[0].retentionMs = 1000),
      'topics[0].retentionMs: an existing topic is neither created nor altered',
    ],
    [
      'a node type beside an existing cache',
      (c) => (c.cache.nodeType = 'cache.t4g.micro'),
      'cache.nodeType: an existing cache is not created',
    ],
    [
      'shards beside an existing cache',
      (c) => (c.cache.shards = 2),
      'cache.shards: an existing cache is not created',
    ],
    [
      'an existing cache without its security group',
      (c) => delete c.cache.existing.securityGroupId,
      'cache.existing.securityGroupId: must be a non-empty string',
    ],
    [
      'an existing cache without its auth secret',
      (c) => delete c.cache.existing.authSecretArn,
      'cache.existing.authSecretArn: must be a non-empty string',
    ],
    [
      'an existing cache with a port out of range',
      (c) => (c.cache.existing.port = 70000),
      'cache.existing.port: must be an integer from 1 to 65535',
    ],
    [
      'a VPC without subnets',
      (c) => delete c.network.existing.subnetIds,
      'network.existing.subnetIds: must be a list (got nothing)',
    ],
    [
      'a VPC with an empty subnet list',
      (c) => (c.network.existing.subnetIds = []),
      'network.existing.subnetIds: must have at least 1 entry',
    ],
    [
      'fewer subnets than AZs',
      (c) => c.network.existing.subnetIds.pop(),
      'network.existing.subnetIds: one subnet per AZ of network.existing.availabilityZones, in the same order (got 1 subnets for 2 AZs)',
    ],
    [
      'the same subnet twice',
      (c) => (c.network.existing.subnetIds[1] = c.network.existing.subnetIds[0]),
      'network.existing.subnetIds[1]: duplicate subnet',
    ],
    [
      'a subnet that is not a subnet id',
      (c) => (c.network.existing.subnetIds[1] = 'private-b'),
      'network.existing.subnetIds[1]: "private-b" is not valid',
    ],
    [
      'a VPC id that is not one',
      (c) => (c.network.existing.vpcId = 'main'),
      'network.existing.vpcId: "main" is not valid',
    ],
    [
      'AZs of two regions in an existing VPC',
      (c) => (c.network.existing.availabilityZones = ['eu-west-1a', 'eu-central-1b']),
      'network.existing.availabilityZones: AZs of one region only',
    ],
    [
      'network AZs beside an existing VPC',
      (c) => (c.network.availabilityZones = ['eu-west-1a', 'eu-west-1b']),
      'network.availabilityZones: an existing VPC names its AZs in network.existing.availabilityZones',
    ],
  ])('reports %s, naming the field', (_label, mutate, expected) => {
    // Act
    const issues = issuesOf(mutate);
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.startsWith(expected), issues[0]).toBe(true);
  });

  it('accepts a self-managed Kafka with a client certificate and an MSK cluster with SCRAM', () => {
    // Act
    const mtls = issuesOf(
      (c) =>
        (c.kafka.existing = {
          type: 'self-managed',
          bootstrapBrokers: EXISTING.selfManagedBrokers,
          auth: 'mtls',
          secretArn: EXISTING.selfManagedSecretArn,
        }),
    );
    const scram = issuesOf((c) =>
      Object.assign(c.kafka.existing, { auth: 'scram', scramSecretArn: EXISTING.mskScramSecretArn }),
    );
    // Assess
    expect(mtls).toEqual([]);
    expect(scram).toEqual([]);
  });

  it('keeps the compression of the producers beside an existing cluster', () => {
    expect(issuesOf((c) => (c.kafka.compression = 'none'))).toEqual([]);
  });

  it('leaves where an existing table streams out of the change bridges’ config', () => {
    // Act
    const slice = changeBridgeSlice(ALL_EXISTING_CONFIG, 'dynamodb-streams');
    // Assess
    expect(slice.sources.map((source) => source.name)).toEqual(['sb-sessions']);
    expect(slice.sources[0]).not.toHaveProperty('existing');
  });
});

describe('deployment checks with existing resources', () => {
  const deployable = (c: unknown) => validateDeploymentConfig(validatePipelineConfig(c));

  it('places a created MSK cluster over the AZs of an existing VPC', () => {
    // Act
    const issues = issuesOf((c) => {
      c.kafka = { type: 'provisioned', brokerCount: 2 };
      c.network.existing.availabilityZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
      c.network.existing.subnetIds.push('subnet-0ccccccccccccccc3');
      for (const topic of c.topics) delete topic.existing;
    }, deployable);
    // Assess
    expect(issues).toEqual([
      'kafka.brokerCount: must be a multiple of 3 (MSK places the same number of brokers in each of the 3 AZs)',
    ]);
  });

  it('refuses a created MSK cluster in an existing VPC of one AZ', () => {
    // Act
    const issues = issuesOf((c) => {
      c.kafka = { type: 'provisioned', brokerCount: 2 };
      c.network.existing.availabilityZones = ['eu-west-1a'];
      c.network.existing.subnetIds.pop();
    }, deployable);
    // Assess
    expect(issues).toContain(
      'network.existing.availabilityZones: an MSK cluster needs subnets in two or three AZs',
    );
  });

  it('does not size an existing cluster by its topics’ replication', () => {
    // Act
    const issues = issuesOf((c) => {
      delete c.topics[0].existing;
      c.topics[0].replicationFactor = 5;
    }, deployable);
    // Assess
    expect(issues).toEqual([]);
  });
});
