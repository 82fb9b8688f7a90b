import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { StateMapping } from '../../../config/types';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { readSinkItem } from '../../../lambdas/kafka-to-dynamodb/readSinkItem';
import { consumeAsMskEvent, produceMessages, selectRecords } from '../helpers/kafkaMskEvents';
import {
  dynamoClient,
  lambdaContext,
  scanItems,
  uniqueName,
  useDynamoSinkFixture,
} from './dynamoSinkFixture';

interface OrderEvent {
  readonly orderId: string;
  readonly version: number;
  readonly eventId: string;
  readonly [field: string]: unknown;
}

function orderEvent(orderId: string, version: number, fields: Record<string, unknown> = {}): OrderEvent {
  return { orderId, version, eventId: `${orderId}-v${version}`, ...fields };
}

/** Observes the commands a client sends (names and inputs) without changing them. */
function observed(client: DynamoDBClient) {
  const seen: { name: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push({ name: context.commandName ?? '', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'observeCommands' },
  );
  return seen;
}

describe('kafka-to-dynamodb: state mode (event sourcing)', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka, dlq } = fixture;

  function setUp(options: Partial<StateMapping> = {}, sinkClient: DynamoSend = client) {
    return fixture.setUp({
      table: { name: uniqueName('orders'), partitionKey: { name: 'orderId', type: 'S' } },
      topic: { prefix: 'orders', partitions: 2 },
      mapping: (topic, table) => ({
        name: 'order-state',
        topic,
        mode: 'state',
        table,
        partitionKey: { name: 'orderId', template: '{orderId}' },
        versionField: 'version',
        eventIdField: 'eventId',
        ...options,
      }),
      client: sinkClient,
    });
  }

  async function deliver(topic: string, events: readonly OrderEvent[]) {
    await produceMessages(
      kafka,
      topic,
      events.map((e) => ({ key: e.orderId, value: e })),
    );
    return consumeAsMskEvent(kafka, topic, events.length);
  }

  it('rebuilds each entity from its events with version and last event id (merge reducer)', async () => {
    // Prepare
    const { table, topic, handler, logs } = await setUp();
    const event = await deliver(topic, [
      orderEvent('o-1', 1, { status: 'created', total: 10 }),
      orderEvent('o-2', 1, { status: 'created', total: 99 }),
      orderEvent('o-1', 2, { status: 'paid', paidAt: '2025-11-26T08:01:00Z' }),
      orderEvent('o-1', 3, { status: 'shipped', carrier: 'ups' }),
      orderEvent('o-2', 2, { status: 'cancelled' }),
    ]);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await readSinkItem(client, table.name, { orderId: 'o-1' }, { consistent: true })).toEqual({
      orderId: 'o-1',
      version: 3,
      eventId: 'o-1-v3',
      status: 'shipped',
      total: 10,
      paidAt: '2025-11-26T08:01:00Z',
      carrier: 'ups',
    });
    const raw = await readSinkItem(client, table.name, { orderId: 'o-2' }, { raw: true });
    expect([raw?.status, raw?.total, raw?.sb_version, raw?.sb_event_id]).toEqual([
      'cancelled',
      99,
      2,
      'o-2-v2',
    ]);
    const emf = JSON.parse(logs.find((l) => l.includes('"DynamoWriteRequests"')) as string);
    expect([emf.DynamoWriteRequests].flat().reduce((a: number, b: number) => a + b, 0)).toBe(2);
  });

  it('keeps only the last event under the replace reducer', async () => {
    // Prepare
    const { table, topic, handler } = await setUp({ reducer: 'replace' });
    const event = await deliver(topic, [
      orderEvent('o-1', 1, { status: 'created', total: 10 }),
      orderEvent('o-1', 2, { status: 'paid' }),
    ]);

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(await readSinkItem(client, table.name, { orderId: 'o-1' })).toEqual({
      orderId: 'o-1',
      version: 2,
      eventId: 'o-1-v2',
      status: 'paid',
    });
  });

  it('leaves the table identical when the same batch is delivered three times', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    const events = Array.from({ length: 30 }, (_, i) =>
      orderEvent(`o-${i % 3}`, Math.floor(i / 3) + 1, { step: i }),
    );
    const event = await deliver(topic, events);

    // Act
    const snapshots = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(event, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push(await scanItems(client, table.name));
    }

    // Assess
    expect(snapshots[0]?.map((s) => [s.orderId, s.sb_version])).toEqual([
      ['o-0', 10],
      ['o-1', 10],
      ['o-2', 10],
    ]);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });

  it('keeps the newest state when an entity’s events arrive out of order across two batches', async () => {
    // Prepare
    const { table, topic, handler, logs } = await setUp();
    const event = await deliver(topic, [
      orderEvent('o-1', 1, { status: 'created' }),
      orderEvent('o-1', 2, { status: 'paid' }),
      orderEvent('o-1', 4, { status: 'delivered' }),
      orderEvent('o-1', 3, { status: 'shipped' }),
      orderEvent('o-1', 1, { status: 'created-again' }),
    ]);
    const firstBatch = selectRecords(event, (r) => r.offset < 3);
    const secondBatch = selectRecords(event, (r) => r.offset >= 3);

    // Act
    const first = await handler(firstBatch, lambdaContext());
    const afterFirst = await readSinkItem(client, table.name, { orderId: 'o-1' }, { raw: true });
    const second = await handler(secondBatch, lambdaContext());

    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect([afterFirst?.sb_version, afterFirst?.status, Object.keys(afterFirst?.sb_pending ?? {})]).toEqual([
      2,
      'paid',
      ['4'],
    ]);
    expect(logs.some((l) => l.includes('events held for a missing version'))).toBe(true);
    const final = await readSinkItem(client, table.name, { orderId: 'o-1' }, { raw: true });
    expect([final?.sb_version, final?.status, final?.sb_event_id, final?.sb_pending]).toEqual([
      4,
      'delivered',
      'o-1-v4',
      undefined,
    ]);
  });

  it('dead-letters events without a usable version or key', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    await produceMessages(kafka, topic, [
      { key: 'o-1', value: { orderId: 'o-1', eventId: 'x' }, partition: 0 },
      { key: 'o-1', value: { orderId: 'o-1', version: 1.5 }, partition: 0 },
      { key: 'o-1', value: { version: 1 }, partition: 0 },
      { key: 'o-1', value: orderEvent('o-1', 1, { ok: true }), partition: 0 },
    ]);
    const event = await consumeAsMskEvent(kafka, topic, 4);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await scanItems(client, table.name)).map((s) => [s.orderId, s.ok])).toEqual([['o-1', true]]);
    const letters = await dlq.letters(topic, 3);
    expect(letters.map((l) => l.errorType)).toEqual(['MissingField', 'WrongType', 'MissingField']);
  });

  it('reads strongly consistently before writing by default, eventually when configured; read-back is eventual by default', async () => {
    // Prepare
    const strongClient = dynamoClient();
    const eventualClient = dynamoClient();
    const strongSeen = observed(strongClient);
    const eventualSeen = observed(eventualClient);
    const strong = await setUp({}, strongClient);
    const eventual = await setUp({ consistentRead: false }, eventualClient);
    const strongEvent = await deliver(strong.topic, [orderEvent('o-1', 1), orderEvent('o-1', 2)]);
    const eventualEvent = await deliver(eventual.topic, [orderEvent('o-1', 1), orderEvent('o-1', 2)]);

    // Act
    await strong.handler(strongEvent, lambdaContext());
    await eventual.handler(eventualEvent, lambdaContext());

    // Assess
    const consistency = (seen: typeof strongSeen) =>
      seen
        .filter((c) => c.name === 'BatchGetItemCommand')
        .map((c) => Object.values(c.input.RequestItems as Record<string, { ConsistentRead: boolean }>)[0]);
    expect(consistency(strongSeen).map((r) => r?.ConsistentRead)).toEqual([true]);
    expect(consistency(eventualSeen).map((r) => r?.ConsistentRead)).toEqual([false]);
    for (const { table } of [strong, eventual]) {
      expect((await readSinkItem(client, table.name, { orderId: 'o-1' }))?.version).toBe(2);
    }
    strongSeen.length = 0;
    await readSinkItem(strongClient, strong.table.name, { orderId: 'o-1' });
    await readSinkItem(strongClient, strong.table.name, { orderId: 'o-1' }, { consistent: true });
    expect(strongSeen.map((c) => [c.name, c.input.ConsistentRead])).toEqual([
      ['GetItemCommand', false],
      ['GetItemCommand', true],
    ]);
    strongClient.destroy();
    eventualClient.destroy();
  });

  it('never overwrites a newer state written between its read and its write (re-plans from the stored item)', async () => {
    // Prepare: another writer applies v1 right after the sink's read, so the sink's read is stale.
    const racing = dynamoClient();
    let tableName = '';
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand') {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: {
                orderId: { S: 'o-1' },
                status: { S: 'created-elsewhere' },
                sb_version: { N: '1' },
                sb_rev: { N: '1' },
                sb_event_id: { S: 'o-1-v1' },
              },
            }),
          );
        }
        return result;
      },
      { step: 'initialize', name: 'concurrentWriter' },
    );
    const { table, topic, handler } = await setUp({}, racing);
    tableName = table.name;
    const event = await deliver(topic, [
      orderEvent('o-1', 1, { status: 'created' }),
      orderEvent('o-1', 2, { status: 'paid' }),
    ]);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const state = await readSinkItem(client, table.name, { orderId: 'o-1' }, { raw: true });
    expect([state?.status, state?.sb_version, state?.sb_rev]).toEqual(['paid', 2, 2]);
    racing.destroy();
  });
});
