import { describe, expect, it } from 'vitest';
import { PipelineConfigSchema, RedisSinkSchema, TopicSchema } from '../../../config/schema';
import { FORMAT_CHECKS } from '../../../config/semanticChecks';
import { type SchemaNode, validateAgainstSchema } from '../../../config/validateAgainstSchema';
import reference from '../../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a copy of the config to break one field
type Loose = any;

function redisIssues(mutate: (sink: Loose) => void): string[] {
  const sink = structuredClone(reference.sinks.redis) as Loose;
  mutate(sink);
  return validateAgainstSchema(RedisSinkSchema as SchemaNode, sink, {
    root: 'redis',
    formats: FORMAT_CHECKS,
  });
}

function pipelineIssues(mutate: (config: Loose) => void): string[] {
  const config = structuredClone(reference) as Loose;
  mutate(config);
  return validateAgainstSchema(PipelineConfigSchema as SchemaNode, config, {
    root: 'config',
    bareSections: true,
    formats: FORMAT_CHECKS,
  });
}

describe('validateAgainstSchema', () => {
  it('accepts the reference pipeline', () => {
    expect(pipelineIssues(() => {})).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, string]>([
    [
      'a wrong type',
      (c) => (c.sinks.redis.consumerGroup = 7),
      'sinks.redis.consumerGroup: must be a non-empty string (got 7)',
    ],
    [
      'an integer out of range',
      (c) => (c.topics[0].partitions = 0),
      'topics[0].partitions: must be an integer from 1 to 1000 (got 0)',
    ],
    [
      'a fraction where an integer belongs',
      (c) => (c.kafka.brokerCount = 2.5),
      'kafka.brokerCount: must be an integer from 2 to 30 (got 2.5)',
    ],
    [
      'a value outside an enum',
      (c) => (c.kafka.auth = 'tls'),
      'kafka.auth: must be one of iam, scram (got "tls")',
    ],
    [
      'an unknown field',
      (c) => (c.kafka.brokers = 3),
      'kafka.brokers: unknown field (known: type, kafkaVersion, brokerCount, instanceType, volumeSizeGiB, maxVolumeSizeGiB, auth, compression, existing)',
    ],
    [
      'an unknown field at the root',
      (c) => (c.region = 'eu-west-1'),
      'config.region: unknown field (known: name, network, kafka, cache, alarms, failureRecords, sources, topics, sinks)',
    ],
    ['a missing required section', (c) => delete c.kafka, 'kafka: must be an object (got nothing)'],
    [
      'a missing required field',
      (c) => delete c.topics[1].partitions,
      'topics[1].partitions: must be an integer from 1 to 1000 (got nothing)',
    ],
    ['a list that is not one', (c) => (c.sources = {}), 'sources: must be a list (got an object)'],
    ['too few entries', (c) => (c.topics = []), 'topics: must have at least 1 entry'],
    [
      'too many entries, in the list’s own words',
      (c) => (c.sources[0].eventSource.filters = [{}, {}, {}, {}, {}, {}]),
      'sources[0].eventSource.filters: at most 5 filters',
    ],
    [
      'a pattern mismatch with its hint',
      (c) => (c.name = 'Bad Name'),
      'config.name: "Bad Name" is not valid: lowercase letters, digits, hyphens; starts with a letter; ≤ 40',
    ],
    [
      'a boolean that is not one',
      (c) => (c.cache.clusterMode = 'yes'),
      'cache.clusterMode: must be true or false (got "yes")',
    ],
    [
      'a map value of the wrong type, in the field’s own words',
      (c) => (c.sources[2].routeBy = { attribute: 'type', topics: { a: 3 } }),
      'sources[2].routeBy.topics.a: must be a topic name',
    ],
    [
      'a bad entry of a list of names',
      (c) => (c.sources[1].governance.mask = ['ok', '']),
      'sources[1].governance.mask[1]: must be an attribute name',
    ],
    ['null', (c) => (c.cache.engine = null), 'cache.engine: must be one of valkey, redis (got null)'],
  ])('reports %s with its path', (_label, mutate, expected) => {
    // Act
    const issues = pipelineIssues(mutate);
    // Assess
    expect(issues).toEqual([expected]);
  });

  it('names entries of nested lists by index', () => {
    // Act
    const issues = pipelineIssues((c) => (c.sinks.dynamodb.mappings[1].metrics[0].op = 'avg'));
    // Assess
    expect(issues).toEqual([
      'sinks.dynamodb.mappings[1].metrics[0].op: must be one of count, sum, min, max (got "avg")',
    ]);
  });

  it('picks a union member by its discriminator and checks only that member’s fields', () => {
    // Act
    const unknown = redisIssues((s) => (s.mappings[0].member = '{userId}'));
    const missing = redisIssues((s) => delete s.mappings[2].scoreField);
    // Assess
    expect(unknown).toEqual([
      'redis.mappings[0].member: unknown field (known: name, topic, filter, operation, key, ttlSeconds, expiresAtField, deleteWhen, store)',
    ]);
    expect(missing).toEqual(['redis.mappings[2].scoreField: must be a non-empty string (got nothing)']);
  });

  it('on an unknown discriminator, reports it and still checks the fields every member has', () => {
    // Act
    const issues = redisIssues((s) => {
      s.mappings[1].operation = 'incr';
      s.mappings[1].key = 'views:{page';
    });
    // Assess
    expect(issues).toHaveLength(2);
    expect(issues[0]).toBe(
      'redis.mappings[1].operation: must be one of session, counter, leaderboard, unique, cache, stream, list, threshold (got "incr")',
    );
    expect(issues[1]).toMatch(/^redis\.mappings\[1\]\.key: key template "views:\{page": unclosed/);
  });

  it('checks the small languages through their formats', () => {
    // Act
    const issues = redisIssues((s) => (s.mappings[2].filter = { productId: 'x' }));
    // Assess
    expect(issues).toEqual([
      'redis.mappings[2].filter.productId: leaf values must be lists of matchers, e.g. ["value"] (got "x")',
    ]);
  });

  it('reports every problem at once', () => {
    // Act
    const issues = pipelineIssues((c) => {
      c.kafka.volumeSizeGiB = 0;
      c.topics[2].cleanupPolicy = 'forever';
      c.sinks.redis.mappings[4].ttlSeconds = -5;
      c.sinks.dynamodb.tables[0].extra = true;
    });
    // Assess
    expect(issues).toEqual([
      'kafka.volumeSizeGiB: must be an integer from 1 to 16384 (got 0)',
      'topics[2].cleanupPolicy: must be one of delete, compact, compact,delete (got "forever")',
      expect.stringMatching(
        /^sinks\.redis\.mappings\[4\]\.ttlSeconds: must be an integer from 1 to 315360000/,
      ),
      expect.stringMatching(/^sinks\.dynamodb\.tables\[0\]\.extra: unknown field/),
    ]);
  });

  it('refuses a schema format it has no check for', () => {
    // Prepare
    const schema: SchemaNode = { type: 'string', format: 'email' };
    // Act / Assess
    expect(() => validateAgainstSchema(schema, 'a@b', { root: 'x' })).toThrow(/format "email" has no check/);
  });

  it('names a slice’s fields under its root', () => {
    // Act
    const issues = validateAgainstSchema(
      TopicSchema as SchemaNode,
      { name: '', partitions: 1 },
      { root: 'topic' },
    );
    // Assess
    expect(issues).toEqual(['topic.name: must be a non-empty string (got "")']);
  });
});
