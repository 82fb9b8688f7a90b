import { describe, expect, it } from 'vitest';
import { changeBridgeSlice } from '../../../config/handlerSlices';
import {
  changeBridgeChecks,
  dynamoSinkChecks,
  pipelineChecks,
  redisSinkChecks,
} from '../../../config/semanticChecks';
import reference from '../../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a copy of the config to break one rule
type Loose = any;

function changed<T>(value: T, mutate: (copy: Loose) => void): unknown {
  const copy = structuredClone(value) as Loose;
  mutate(copy);
  return copy;
}

describe('pipelineChecks', () => {
  it('finds nothing in the reference pipeline', () => {
    expect(pipelineChecks(reference)).toEqual([]);
  });

  it.each<[string, (c: Loose) => void, string]>([
    [
      'a duplicate topic',
      (c) => c.topics.push({ ...c.topics[0] }),
      'topics[7].name: duplicate topic "telemetry.changes"',
    ],
    [
      'a duplicate source table',
      (c) => (c.sources[2].name = 'sb-sessions'),
      'sources[2].name: duplicate table "sb-sessions"',
    ],
    [
      'a source topic that is not declared',
      (c) => (c.sources[1].topic = 'nope'),
      'sources[1].topic: topic "nope" is not declared in topics (declared: telemetry.changes, sessions.changes, products.changes, orders.changes, clickstream, device-readings, device-alerts)',
    ],
    [
      'a routed topic that is not declared',
      (c) => (c.sources[3].routeBy = { attribute: 'type', topics: { refund: 'refunds' } }),
      'sources[3].routeBy.topics.refund: topic "refunds" is not declared',
    ],
    [
      'a duplicate mapping',
      (c) => (c.sinks.redis.mappings[1].name = 'sessions'),
      'sinks.redis.mappings[1].name: duplicate mapping "sessions"',
    ],
    [
      'a mapping topic that is not declared',
      (c) => (c.sinks.dynamodb.mappings[0].topic = 'nope'),
      'sinks.dynamodb.mappings[0].topic: topic "nope" is not declared',
    ],
    [
      'a session without an expiry',
      (c) => delete c.sinks.redis.mappings[0].ttlSeconds,
      'sinks.redis.mappings[0]: a session needs ttlSeconds or expiresAtField',
    ],
    [
      'a Redis sink without a cache',
      (c) => delete c.cache,
      'sinks.redis: a Redis sink needs a cache (config.cache)',
    ],
    [
      'SCRAM on MSK Serverless',
      (c) => Object.assign(c.kafka, { type: 'serverless', auth: 'scram' }),
      'kafka.auth: MSK Serverless supports IAM auth only',
    ],
    [
      'AZ names mixed with AZ ids',
      (c) => (c.network = { availabilityZones: ['eu-west-1a', 'euw1-az2'] }),
      'network.availabilityZones: give AZ names (eu-west-1a) or AZ ids (euw1-az1), not both',
    ],
    [
      'AZs of two regions',
      (c) => (c.network = { availabilityZones: ['euw1-az1', 'euc1-az2'] }),
      'network.availabilityZones: AZs of one region only (got euw1-az1, euc1-az2)',
    ],
    [
      'the same AZ twice',
      (c) => (c.network = { availabilityZones: ['eu-west-1a', 'eu-west-1a'] }),
      'network.availabilityZones[1]: duplicate AZ "eu-west-1a"',
    ],
    [
      'an email subscription to something that is not an address',
      (c) => (c.alarms = { subscriptions: [{ protocol: 'email', endpoint: 'oncall' }] }),
      'alarms.subscriptions[0].endpoint: must be an email address for protocol email (got "oncall")',
    ],
    [
      'an https subscription to a plain-HTTP URL',
      (c) => (c.alarms = { subscriptions: [{ protocol: 'https', endpoint: 'http://hooks.example.com/a' }] }),
      'alarms.subscriptions[0].endpoint: must be an https:// URL for protocol https',
    ],
    [
      'an SQS subscription to a FIFO queue',
      (c) =>
        (c.alarms = {
          subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-west-1:123456789012:alarms.fifo' }],
        }),
      'alarms.subscriptions[0].endpoint: must be the ARN of a standard SQS queue',
    ],
    [
      'a Lambda subscription to a queue ARN',
      (c) =>
        (c.alarms = {
          subscriptions: [{ protocol: 'lambda', endpoint: 'arn:aws:sqs:eu-west-1:123456789012:alarms' }],
        }),
      'alarms.subscriptions[0].endpoint: must be the ARN of a Lambda function',
    ],
    [
      'the same subscription twice',
      (c) =>
        (c.alarms = {
          subscriptions: [
            { protocol: 'email', endpoint: 'ops@example.com' },
            { protocol: 'email', endpoint: 'ops@example.com' },
          ],
        }),
      'alarms.subscriptions[1].endpoint: duplicate email subscription "ops@example.com"',
    ],
  ])('reports %s', (_label, mutate, expected) => {
    // Act
    const issues = pipelineChecks(changed(reference, mutate));
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.startsWith(expected), issues[0]).toBe(true);
  });

  it('accepts a subscription of each protocol', () => {
    // Act
    const issues = pipelineChecks(
      changed(reference, (c) => {
        c.alarms = {
          subscriptions: [
            { protocol: 'email', endpoint: 'oncall@example.com' },
            { protocol: 'https', endpoint: 'https://alerts.example.com/hooks/streambridge' },
            { protocol: 'sqs', endpoint: 'arn:aws:sqs:eu-west-1:123456789012:alarms' },
            { protocol: 'lambda', endpoint: 'arn:aws:lambda:eu-west-1:123456789012:function:pager:live' },
          ],
        };
      }),
    );
    // Assess
    expect(issues).toEqual([]);
  });

  it('leaves fields of the wrong type to the schema check (each problem reported once)', () => {
    // Act
    const issues = pipelineChecks(
      changed(reference, (c) => {
        c.sources[0].topic = 3;
        c.topics[1].partitions = 'many';
        c.sinks.redis.mappings[0].operation = 7;
        c.sinks.redis.mappings = {};
        c.sinks.dynamodb.tables[0].ttlAttribute = 5;
      }),
    );
    // Assess
    expect(issues).toEqual([]);
  });
});

describe('sink table rules of the DynamoDB sink', () => {
  const sink = reference.sinks.dynamodb;

  it.each<[string, (s: Loose) => void, string]>([
    [
      'an undeclared table',
      (s) => (s.mappings[2].table = 'missing'),
      'dynamodb.mappings[2].table: table "missing" is not declared in dynamodb.tables',
    ],
    [
      'a duplicate table',
      (s) => s.tables.push({ ...s.tables[0] }),
      // The pushed copy lands after every table of the reference pipeline.
      `dynamodb.tables[${sink?.tables.length}].name: duplicate table "sb-telemetry-series"`,
    ],
    [
      'a key name that is not the table’s',
      (s) => (s.mappings[1].partitionKey.name = 'id'),
      'dynamodb.mappings[1].partitionKey.name: "id" is not the table\'s partitionKey "pk"',
    ],
    [
      'a time series on a table without a sort key',
      (s) => {
        delete s.tables[0].sortKey;
        s.mappings[0].sortKey = { name: 'sk', template: '{ts}' };
      },
      'dynamodb.mappings[0].table: a timeseries table needs a sort key',
    ],
    [
      'a time series retention without a TTL attribute',
      (s) => {
        delete s.tables[0].ttlAttribute;
        s.mappings[0].retentionDays = 30;
      },
      'dynamodb.mappings[0].retentionDays: table "sb-telemetry-series" has no ttlAttribute',
    ],
    [
      'an aggregate sort key on a table without one',
      (s) => delete s.tables[1].sortKey,
      'dynamodb.mappings[1].sortKey: table "sb-page-views" has no sort key',
    ],
    [
      'a summed metric without its field',
      (s) => (s.mappings[1].metrics = [{ name: 'total', op: 'sum' }]),
      'dynamodb.mappings[1].metrics[0].field: must be a non-empty string (got nothing)',
    ],
    [
      'a state table with a sort key',
      (s) => (s.tables[2].sortKey = { name: 'v', type: 'N' }),
      'dynamodb.mappings[2].table: a state table is keyed by the entity alone: no sort key',
    ],
    [
      'upsert markers without a TTL attribute',
      (s) => (s.mappings[3].tombstoneRetentionDays = 7),
      'dynamodb.mappings[3].tombstoneRetentionDays: table "sb-products-replica" has no ttlAttribute',
    ],
  ])('reports %s', (_label, mutate, expected) => {
    // Act
    const issues = dynamoSinkChecks(changed(sink, mutate), 'dynamodb');
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.startsWith(expected), issues[0]).toBe(true);
  });

  it('counts a metric without a field', () => {
    const issues = dynamoSinkChecks(
      changed(sink, (s) => (s.mappings[1].metrics = [{ name: 'n', op: 'count' }])),
      'dynamodb',
    );
    expect(issues).toEqual([]);
  });
});

describe('slice checks', () => {
  it('check a change bridge’s topic references within its slice', () => {
    // Prepare
    const slice = changed(
      changeBridgeSlice(reference, 'kinesis'),
      (s) => (s.sources[0].topic = 'sessions.changes'),
    );
    // Act
    const issues = changeBridgeChecks(slice);
    // Assess
    expect(issues).toEqual([
      'sources[0].topic: topic "sessions.changes" is not declared in topics (declared: telemetry.changes)',
    ]);
  });

  it('do not look for topics a sink slice does not carry', () => {
    // Prepare
    const sink = changed(reference.sinks.redis, (s) => (s.mappings[0].topic = 'anything'));
    // Act / Assess
    expect(redisSinkChecks(sink, 'redis')).toEqual([]);
  });
});
