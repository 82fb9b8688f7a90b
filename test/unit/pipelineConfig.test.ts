import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { validatePipelineConfig } from '../../config/validatePipelineConfig';
import defaultConfig from '../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into the config to break one field
type Loose = any;

function withChange(mutate: (c: Loose) => void): unknown {
  const copy = structuredClone(defaultConfig) as Loose;
  mutate(copy);
  return copy;
}

function issuesOf(config: unknown): readonly string[] {
  try {
    validatePipelineConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('validatePipelineConfig', () => {
  it('accepts the reference pipeline', () => {
    expect(issuesOf(defaultConfig)).toEqual([]);
  });

  it.each([
    ['a bad name', (c: Loose) => (c.name = 'Bad Name'), 'config.name'],
    [
      'an unknown topic',
      (c: Loose) => (c.sources[0].topic = 'nope'),
      'sources[0].topic: topic "nope" is not declared',
    ],
    ['a bad key type', (c: Loose) => (c.sources[1].partitionKey.type = 'X'), 'sources[1].partitionKey.type'],
    [
      'a batch size out of range',
      (c: Loose) => (c.sources[0].eventSource.batchSize = 20000),
      'sources[0].eventSource.batchSize',
    ],
    [
      'a malformed key template',
      (c: Loose) => (c.sinks.redis.mappings[0].key = 'session:{sessionId'),
      'sinks.redis.mappings[0].key',
    ],
    [
      'an unknown operation',
      (c: Loose) => (c.sinks.redis.mappings[1].operation = 'incr'),
      'sinks.redis.mappings[1].operation',
    ],
    [
      'a session without TTL',
      (c: Loose) => delete c.sinks.redis.mappings[0].ttlSeconds,
      'sinks.redis.mappings[0]: a session needs',
    ],
    [
      'an undeclared sink table',
      (c: Loose) => (c.sinks.dynamodb.mappings[0].table = 'missing'),
      'sinks.dynamodb.mappings[0].table',
    ],
    [
      'a wrong key attribute',
      (c: Loose) => (c.sinks.dynamodb.mappings[0].partitionKey.name = 'id'),
      'sinks.dynamodb.mappings[0].partitionKey.name',
    ],
    [
      'a tombstone TTL under an hour',
      (c: Loose) => (c.sinks.redis.tombstoneTtlSeconds = 60),
      'sinks.redis.tombstoneTtlSeconds: must be an integer from 3600',
    ],
    [
      'a bad filter',
      (c: Loose) => (c.sinks.redis.mappings[2].filter = { productId: 'x' }),
      'sinks.redis.mappings[2].filter.productId',
    ],
    ['an unknown field', (c: Loose) => (c.topics[0].partition = 3), 'topics[0].partition: unknown field'],
    [
      'duplicate topics',
      (c: Loose) => (c.topics[1].name = c.topics[0].name),
      'topics[1].name: duplicate topic',
    ],
    [
      'SCRAM on serverless',
      (c: Loose) => Object.assign(c.kafka, { type: 'serverless', auth: 'scram' }),
      'kafka.auth',
    ],
  ])('rejects %s naming the field', (_label, mutate, expected) => {
    // Prepare
    const config = withChange(mutate);
    // Act
    const issues = issuesOf(config);
    // Assess
    expect(
      issues.some((issue) => issue.includes(expected)),
      issues.join('\n'),
    ).toBe(true);
  });
});
