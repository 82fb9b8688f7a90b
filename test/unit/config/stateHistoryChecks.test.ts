import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { dynamoSinkChecks } from '../../../config/semanticChecks';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import reference from '../../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a copy of the config to break one rule
type Loose = any;

function changed<T>(value: T, mutate: (copy: Loose) => void): unknown {
  const copy = structuredClone(value) as Loose;
  mutate(copy);
  return copy;
}

const sink = reference.sinks.dynamodb;
const HISTORY_TABLE = sink?.tables.findIndex((table) => table.name === 'sb-order-history') ?? -1;
const STATE_MAPPING = 2;

describe('state history checks', () => {
  it('find nothing in the reference pipeline, whose order state keeps its history', () => {
    // Assess
    expect(sink?.mappings[STATE_MAPPING]).toMatchObject({ history: { table: 'sb-order-history' } });
    expect(dynamoSinkChecks(sink, 'dynamodb')).toEqual([]);
  });

  it.each<[string, (s: Loose) => void, string]>([
    [
      'an undeclared history table',
      (s) => (s.mappings[STATE_MAPPING].history.table = 'nope'),
      'dynamodb.mappings[2].history.table: table "nope" is not declared in dynamodb.tables',
    ],
    [
      'the state table as its own history',
      (s) => {
        s.mappings[STATE_MAPPING].history.table = 'sb-order-state';
        delete s.mappings[STATE_MAPPING].history.ttlSeconds;
      },
      'dynamodb.mappings[2].history.table: must not be the state table itself',
    ],
    [
      'a history table another mapping writes',
      (s) => (s.mappings[3].table = 'sb-order-history'),
      'dynamodb.mappings[2].history.table: table "sb-order-history" is also written by mapping "products-replica"',
    ],
    [
      'a history keyed by another partition key',
      (s) => (s.tables[HISTORY_TABLE].partitionKey = { name: 'id', type: 'S' }),
      `dynamodb.mappings[2].history.table: the partition key of "sb-order-history" must be the state table's, orderId (S) (got id (S))`,
    ],
    [
      'a history without a version sort key',
      (s) => (s.tables[HISTORY_TABLE].sortKey = { name: 'version', type: 'S' }),
      'dynamodb.mappings[2].history.table: "sb-order-history" needs a number (N) sort key to hold the version (got version (S))',
    ],
    [
      'a history expiry without a TTL attribute',
      (s) => delete s.tables[HISTORY_TABLE].ttlAttribute,
      'dynamodb.mappings[2].history.ttlSeconds: table "sb-order-history" has no ttlAttribute',
    ],
  ])('report %s', (_label, mutate, expected) => {
    // Act
    const issues = dynamoSinkChecks(changed(sink, mutate), 'dynamodb');
    // Assess
    expect(issues.filter((i) => i.includes('history')).length, issues.join('\n')).toBe(1);
    expect(
      issues.some((i) => i.startsWith(expected)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('name a bad history field through the schema, with its path', () => {
    // Prepare
    const config = changed(reference, (c) => {
      c.sinks.dynamodb.mappings[STATE_MAPPING].history.snapshotEvery = 0;
      c.sinks.dynamodb.mappings[STATE_MAPPING].history.actor = 'x';
    });
    // Act / Assess
    expect(() => validatePipelineConfig(config)).toThrow(ConfigError);
    const issues = (() => {
      try {
        validatePipelineConfig(config);
        return [];
      } catch (error) {
        return [...(error as ConfigError).issues];
      }
    })();
    expect(issues.some((i) => i.startsWith('sinks.dynamodb.mappings[2].history.snapshotEvery'))).toBe(true);
    expect(issues.some((i) => i.startsWith('sinks.dynamodb.mappings[2].history.actor'))).toBe(true);
  });
});
