/**
 * A bad pipeline config fails the build of the CDK app (and so `cdk synth`) with a ConfigError naming the
 * field, before any construct exists; and the app entry prints it as one message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { buildApp } from '../../lib/streambridgeApp';
import { configWith, type LooseConfig } from './pipelineTemplates';

function issuesOf(mutate: (config: LooseConfig) => void): readonly string[] {
  try {
    buildApp(configWith(mutate), { skipBundling: true, cloudFormationValidation: false });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('config checks of the pipeline validator, at synth', () => {
  it.each<[string, (c: LooseConfig) => void, string]>([
    ['a bad pipeline name', (c) => (c.name = 'Bad Name'), 'config.name:'],
    ['a topic that is not declared', (c) => (c.sources[0].topic = 'nope'), 'sources[0].topic: topic "nope"'],
    [
      'a batch size out of range',
      (c) => (c.sinks.redis.eventSource.batchSize = 0),
      'sinks.redis.eventSource.batchSize:',
    ],
    [
      'a malformed key template',
      (c) => (c.sinks.redis.mappings[0].key = 'session:{id'),
      'sinks.redis.mappings[0].key:',
    ],
    ['a Redis sink without a cache', (c) => delete c.cache, 'sinks.redis: a Redis sink needs a cache'],
    ['SCRAM on MSK Serverless', (c) => (c.kafka = { type: 'serverless', auth: 'scram' }), 'kafka.auth:'],
    ['a single AZ', (c) => (c.network = { availabilityZones: ['eu-west-1a'] }), 'network.availabilityZones:'],
    [
      'something that is not an AZ',
      (c) => (c.network = { availabilityZones: ['eu-west-1a', 'west'] }),
      'network.availabilityZones[1]:',
    ],
    [
      'an alarm subscription of an unknown protocol',
      (c) => (c.alarms = { subscriptions: [{ protocol: 'sms', endpoint: '+15550100' }] }),
      'alarms.subscriptions[0].protocol:',
    ],
    [
      'an email alarm subscription without an address',
      (c) => (c.alarms = { subscriptions: [{ protocol: 'email', endpoint: 'ops' }] }),
      'alarms.subscriptions[0].endpoint: must be an email address',
    ],
    [
      'too many filters',
      (c) => (c.sources[1].eventSource = { filters: [{}, {}, {}, {}, {}, {}] }),
      'sources[1].eventSource.filters:',
    ],
  ])('refuses %s', (_, mutate, expected) => {
    expect(issuesOf(mutate).some((issue) => issue.startsWith(expected))).toBe(true);
  });
});

describe('deployment checks, at synth', () => {
  it.each<[string, (c: LooseConfig) => void, string]>([
    [
      'brokers that cannot spread evenly over the AZs',
      (c) => (c.kafka.brokerCount = 3),
      'kafka.brokerCount: must be a multiple of 2',
    ],
    [
      'brokers that cannot spread evenly over the configured AZs',
      (c) => (c.network = { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] }),
      'kafka.brokerCount: must be a multiple of 3',
    ],
    [
      'three AZs where MSK takes exactly two',
      (c) => {
        c.network = { availabilityZones: ['usw1-az1', 'usw1-az2', 'usw1-az3'] };
        c.kafka.brokerCount = 3;
      },
      'network.availabilityZones: MSK takes exactly two AZs in us-west-1, ca-central-1, sa-east-1',
    ],
    [
      'a storage autoscaling ceiling below the volume size',
      (c) => Object.assign(c.kafka, { volumeSizeGiB: 100, maxVolumeSizeGiB: 50 }),
      'kafka.maxVolumeSizeGiB: 50 is below kafka.volumeSizeGiB (100)',
    ],
    [
      'a Kafka version without the MSK topic API',
      (c) => (c.kafka.kafkaVersion = '3.5.1'),
      'kafka.kafkaVersion: "3.5.1" is too old',
    ],
    [
      'more replicas than brokers',
      (c) => (c.topics[0].replicationFactor = 3),
      'topics[0].replicationFactor: 3 exceeds',
    ],
    [
      'broker settings on MSK Serverless',
      (c) => (c.kafka = { type: 'serverless', brokerCount: 2 }),
      'kafka.brokerCount: MSK Serverless',
    ],
    [
      'another replication factor on MSK Serverless',
      (c) => {
        c.kafka = { type: 'serverless' };
        c.topics[1].replicationFactor = 2;
      },
      'topics[1].replicationFactor: MSK Serverless',
    ],
    [
      'an AUTH token on ElastiCache Serverless',
      (c) => (c.cache = { type: 'serverless', auth: 'token' }),
      'cache.auth:',
    ],
    [
      'node settings on ElastiCache Serverless',
      (c) => (c.cache = { type: 'serverless', nodeType: 'cache.t4g.micro' }),
      'cache.nodeType:',
    ],
    [
      'shards without cluster mode',
      (c) => (c.cache.shards = 2),
      'cache.shards: shards need cache.clusterMode',
    ],
    [
      'a sink table named like a source table',
      (c) => {
        c.sinks.dynamodb.tables[3].name = 'sb-sessions';
        c.sinks.dynamodb.mappings[3].table = 'sb-sessions';
      },
      'sinks.dynamodb.tables[3].name: "sb-sessions" is already a source table',
    ],
    [
      'Kinesis settings on a DynamoDB Streams source',
      (c) => (c.sources[1].kinesis = { shardCount: 2 }),
      'sources[1].kinesis:',
    ],
    [
      "a consumer group id over Lambda's 200 characters",
      (c) => (c.sinks.dynamodb.consumerGroup = 'g'.repeat(195)),
      'sinks.dynamodb.consumerGroup:',
    ],
    [
      'a handler config too large for the Lambda environment',
      (c) => {
        c.sources[2].governance.schema.description = 'x'.repeat(4000);
      },
      "sources (via dynamodb-streams): the handler's config is",
    ],
  ])('refuses %s', (_, mutate, expected) => {
    expect(issuesOf(mutate).some((issue) => issue.startsWith(expected))).toBe(true);
  });

  it('reports every bad field at once', () => {
    const issues = issuesOf((c) => {
      c.kafka.brokerCount = 3;
      c.cache.shards = 2;
    });
    expect(issues).toHaveLength(2);
  });

  it('accepts the reference pipeline', () => {
    expect(issuesOf(() => {})).toEqual([]);
  });
});

describe('the CDK app entry', () => {
  it('stops with one message naming the field, without a stack trace', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'sb-bin-'));
    // Act
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/streambridge.ts'], {
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({
          'streambridge:config': 'test/infra/fixtures/undeployableConfig.ts',
        }),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('pipeline config cannot be deployed:');
    expect(result.stderr).toContain('kafka.brokerCount: must be a multiple of 2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
