import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DynamoSinkConfig } from '../../../config/types';
import { readSinkItem } from '../../../lambdas/kafka-to-dynamodb/readSinkItem';
import { mskEvent } from '../../../local/events/mskEvents';
import {
  consumeAsMskEvent,
  createTestTopic,
  deleteTestTopic,
  localKafka,
  produceMessages,
} from '../helpers/kafkaMskEvents';
import { integrationEnv } from '../serviceEnv';
import {
  changeEnvelope,
  createSinkTable,
  deleteTables,
  dynamoClient,
  lambdaContext,
  scanItems,
  T0,
  TestDeadLetterQueue,
  uniqueName,
} from './dynamoSinkFixture';

/** Imports the Lambda entry afresh (a cold start) with the given environment. */
async function coldStart(env: Record<string, string>) {
  vi.resetModules();
  Object.assign(process.env, integrationEnv(), env);
  return import('../../../lambdas/kafka-to-dynamodb/index');
}

describe('kafka-to-dynamodb: Lambda entry', () => {
  const client = dynamoClient();
  const dlq = new TestDeadLetterQueue();
  let kafka: Kafka;
  const topics: Record<'telemetry' | 'clicks' | 'orders' | 'products', string> = {
    telemetry: '',
    clicks: '',
    orders: '',
    products: '',
  };
  const tables = {
    series: uniqueName('sb-telemetry-series'),
    views: uniqueName('sb-page-views'),
    state: uniqueName('sb-order-state'),
    replica: uniqueName('sb-products-replica'),
  };
  let config: DynamoSinkConfig;

  beforeAll(async () => {
    kafka = localKafka();
    await dlq.create();
    for (const name of Object.keys(topics) as (keyof typeof topics)[]) {
      topics[name] = await createTestTopic(kafka, name, 1);
    }
    config = {
      consumerGroup: 'streambridge-dynamodb-sink',
      tables: [
        {
          name: tables.series,
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
          ttlAttribute: 'expiresAt',
        },
        {
          name: tables.views,
          partitionKey: { name: 'pk', type: 'S' },
          sortKey: { name: 'window', type: 'S' },
        },
        { name: tables.state, partitionKey: { name: 'orderId', type: 'S' } },
        { name: tables.replica, partitionKey: { name: 'productId', type: 'S' } },
      ],
      mappings: [
        {
          name: 'telemetry-series',
          topic: topics.telemetry,
          mode: 'timeseries',
          table: tables.series,
          partitionKey: { name: 'pk', template: 'device#{deviceId}#{ts:yyyyMMdd}' },
          timestampField: 'ts',
          // T0 is 2025-11-26: a shorter retention is past, and the local TTL expiry would delete the item.
          retentionDays: 3_650,
        },
        {
          name: 'page-views-hourly',
          topic: topics.clicks,
          mode: 'aggregate',
          table: tables.views,
          partitionKey: { name: 'pk', template: 'page#{page}' },
          sortKey: { name: 'window', template: '{ts:yyyy-MM-ddTHH}' },
          filter: { page: [{ exists: true }], type: ['view'] },
          metrics: [{ name: 'views', op: 'count' }],
        },
        {
          name: 'order-state',
          topic: topics.orders,
          mode: 'state',
          table: tables.state,
          partitionKey: { name: 'orderId', template: '{orderId}' },
          versionField: 'version',
          eventIdField: 'eventId',
        },
        { name: 'products-replica', topic: topics.products, mode: 'upsert', table: tables.replica },
      ],
    };
    for (const table of config.tables) await createSinkTable(client, table);
  });

  afterAll(async () => {
    await Promise.all(Object.values(topics).map((t) => deleteTestTopic(kafka, t)));
    await deleteTables(client, Object.values(tables));
    await dlq.destroy();
    client.destroy();
  });

  it('applies every mode from one MSK batch of four topics, and dead-letters its poison record to SQS', async () => {
    // Prepare
    const { handler } = await coldStart({
      STREAMBRIDGE_CONFIG: JSON.stringify(config),
      DEAD_LETTER_QUEUE_URL: dlq.queueUrl,
    });
    await produceMessages(kafka, topics.telemetry, [
      { key: 'd1', value: { deviceId: 'd1', ts: T0, temp: 21.5 } },
      { key: 'd1', value: { ts: T0 } },
    ]);
    await produceMessages(kafka, topics.clicks, [
      { key: 'home', value: { page: 'home', type: 'view', ts: T0 } },
      { key: 'home', value: { page: 'home', type: 'click', ts: T0 } },
      { key: 'home', value: { page: 'home', type: 'view', ts: T0 + 60_000 } },
    ]);
    await produceMessages(kafka, topics.orders, [
      { key: 'o-1', value: { orderId: 'o-1', version: 1, eventId: 'e1', status: 'created' } },
      { key: 'o-1', value: { orderId: 'o-1', version: 2, eventId: 'e2', status: 'paid' } },
    ]);
    await produceMessages(kafka, topics.products, [
      { key: 'x', value: changeEnvelope('c', '100', { productId: 'x' }, { productId: 'x', price: 3 }) },
    ]);
    const batches = await Promise.all([
      consumeAsMskEvent(kafka, topics.telemetry, 2),
      consumeAsMskEvent(kafka, topics.clicks, 3),
      consumeAsMskEvent(kafka, topics.orders, 2),
      consumeAsMskEvent(kafka, topics.products, 1),
    ]);
    const event = { ...batches[0], records: Object.assign({}, ...batches.map((b) => b.records)) };

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const series = await scanItems(client, tables.series);
    expect(series.map((s) => [s.pk, s.temp, s.expiresAt])).toEqual([
      ['device#d1#20251126', 21.5, T0 / 1000 + 3_650 * 86_400],
    ]);
    expect((await scanItems(client, tables.views)).map((v) => [v.pk, v.window, v.views])).toEqual([
      ['page#home', '2025-11-26T08', 2],
    ]);
    expect(await readSinkItem(client, tables.state, { orderId: 'o-1' })).toEqual({
      orderId: 'o-1',
      version: 2,
      eventId: 'e2',
      status: 'paid',
    });
    expect(await readSinkItem(client, tables.replica, { productId: 'x' })).toEqual({
      productId: 'x',
      price: 3,
    });
    const [letter] = await dlq.letters(topics.telemetry, 1);
    expect(letter?.errorType).toBe('MissingField');
    expect(letter?.handler).toBe('kafka-to-dynamodb');
    expect(letter?.coordinates).toEqual({
      source: 'kafka',
      topic: topics.telemetry,
      partition: 0,
      offset: 1,
    });
  });

  it('fails its first invocation, and each one after, with a message naming the bad config field', async () => {
    // Prepare
    const bad = { ...config, mappings: [{ ...config.mappings[0], retentionDays: 0 }] };
    const { handler } = await coldStart({
      STREAMBRIDGE_CONFIG: JSON.stringify(bad),
      DEAD_LETTER_QUEUE_URL: dlq.queueUrl,
    });
    const invoke = () =>
      handler(mskEvent([{ topic: topics.clicks, offset: 1, value: { page: 'home' } }]), lambdaContext());

    // Act
    const first = invoke();
    const second = invoke();

    // Assess
    const message = /dynamodb\.mappings\[0\]\.retentionDays: must be an integer from 1/;
    await expect(first).rejects.toThrow(message);
    await expect(second).rejects.toThrow(message);
  });

  it('fails its first invocation naming the dead-letter queue variable when it is not set', async () => {
    // Prepare
    const { handler } = await coldStart({ STREAMBRIDGE_CONFIG: JSON.stringify(config) });
    delete process.env.DEAD_LETTER_QUEUE_URL;

    // Act
    const invoke = handler(
      mskEvent([{ topic: topics.clicks, offset: 1, value: { page: 'home' } }]),
      lambdaContext(),
    );

    // Assess
    await expect(invoke).rejects.toThrow(/DEAD_LETTER_QUEUE_URL: is not set/);
  });
});
