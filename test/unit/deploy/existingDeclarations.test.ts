/**
 * What the local deployer takes from a config's `existing` declarations, and how an existing cluster or
 * cache reaches the local servers: self-managed brokers and an existing cache endpoint in a function's
 * environment become the local broker and redis-server, as the created ones do.
 */
import { describe, expect, it } from 'vitest';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import { declaresNothing, existingDeclarations } from '../../../local/deploy/existing/existingDeclarations';
import { localEnvironment } from '../../../local/deploy/localFunction';
import streambridgeConfig from '../../../streambridge.config';
import {
  ALL_EXISTING_CONFIG,
  EXISTING,
  EXISTING_SELF_MANAGED_KAFKA,
} from '../../factories/existingResources';
import { testEndpoints } from './deployFactories';

describe('existingDeclarations', () => {
  it('lists every table, stream, topic, the cluster and the cache a config declares existing, by config field', () => {
    // Act
    const existing = existingDeclarations(validatePipelineConfig(ALL_EXISTING_CONFIG));

    // Assess
    expect(existing.tables).toEqual([
      {
        path: 'sources[0].existing',
        tableName: 'sb-sessions',
        partitionKey: { name: 'sessionId', type: 'S' },
        streamArn: EXISTING.sessionsStreamArn,
      },
      {
        path: 'sources[1].existing',
        tableName: 'shared-telemetry-table',
        partitionKey: { name: 'deviceId', type: 'S' },
        sortKey: { name: 'ts', type: 'N' },
      },
      {
        path: 'sinks.dynamodb.tables[0].existing',
        tableName: 'shared-telemetry-series',
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
      },
    ]);
    expect(existing.kinesisStreams).toEqual([
      {
        path: 'sources[1].existing.kinesisStreamArn',
        streamName: 'shared-telemetry',
        streamArn: EXISTING.telemetryKinesisArn,
      },
    ]);
    expect(existing.topics.map((topic) => [topic.path, topic.name, topic.partitions])).toEqual([
      ['topics[0].existing', 'sessions.changes', 3],
      ['topics[1].existing', 'telemetry.changes', 6],
    ]);
    expect(existing.kafka).toEqual({ path: 'kafka.existing' });
    expect(existing.cache).toEqual({ path: 'cache.existing', authSecretArn: EXISTING.cache.authSecretArn });
    expect(declaresNothing(existing)).toBe(false);
  });

  it('declares nothing for a config that creates everything', () => {
    expect(declaresNothing(existingDeclarations(validatePipelineConfig(streambridgeConfig)))).toBe(true);
  });
});

describe('existing cluster and cache in a local function environment', () => {
  it('points a producer of self-managed SCRAM brokers at the local broker in plaintext, without the secret', () => {
    // Act
    const env = localEnvironment(
      {
        KAFKA_BROKERS: EXISTING_SELF_MANAGED_KAFKA.bootstrapBrokers.join(','),
        KAFKA_AUTH: 'scram',
        KAFKA_SCRAM_SECRET_ARN: EXISTING_SELF_MANAGED_KAFKA.secretArn,
      },
      testEndpoints,
      'bridge',
    );

    // Assess
    expect(env).toMatchObject({ KAFKA_BROKERS: testEndpoints.kafkaBrokers, KAFKA_AUTH: 'plaintext' });
    expect(env).not.toHaveProperty('KAFKA_SCRAM_SECRET_ARN');
  });

  it("points the Redis sink at the local redis-server instead of the existing cache's endpoint", () => {
    // Act
    const env = localEnvironment(
      {
        REDIS_HOST: EXISTING.cache.primaryEndpoint,
        REDIS_PORT: String(EXISTING.cache.port),
        REDIS_TLS: 'true',
        REDIS_SECRET_ARN: EXISTING.cache.authSecretArn,
        REDIS_CLUSTER_MODE: 'false',
      },
      testEndpoints,
      'sink',
    );

    // Assess
    expect(env.REDIS_URL).toBe(testEndpoints.redisUrl);
    expect(Object.values(env).join(' ')).not.toContain(EXISTING.cache.primaryEndpoint);
    expect(env).not.toHaveProperty('REDIS_SECRET_ARN');
  });
});
