import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DynamoSinkConfig, StateHistory, StateMapping } from '../../../config/types';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { readSinkItem } from '../../../lambdas/kafka-to-dynamodb/readSinkItem';
import { readStateAsOf, readStateHistory } from '../../../lambdas/kafka-to-dynamodb/readStateHistory';
import {
  consumeAsMskEvent,
  createTestTopic,
  produceMessages,
  recordsOf,
  selectRecords,
} from '../helpers/kafkaMskEvents';
import {
  dynamoClient,
  lambdaContext,
  scanItems,
  T0,
  uniqueName,
  useDynamoSinkFixture,
} from './dynamoSinkFixture';

interface OrderEvent {
  readonly orderId: string;
  readonly version: number;
  readonly eventId: string;
  readonly ts: number;
  readonly [field: string]: unknown;
}

const STATUSES = ['created', 'paid', 'shipped', 'delivered'] as const;

function orderEvent(orderId: string, version: number, fields: Record<string, unknown> = {}): OrderEvent {
  return {
    orderId,
    version,
    eventId: `${orderId}-v${version}`,
    ts: T0 + version * 60_000,
    status: STATUSES[(version - 1) % STATUSES.length],
    actor: version === 1 ? 'customer' : `service-${version}`,
    ...fields,
  };
}

/** Fails every request of the named commands `times` times (a sink dying part-way through its writes). */
function failing(client: DynamoDBClient, failures: Record<string, number>) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      if ((failures[name] ?? 0) > 0) {
        failures[name] = (failures[name] ?? 0) - 1;
        throw Object.assign(new Error(`${name}: connection reset (the sink stopped)`), {
          name: 'NetworkingError',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failWrites' },
  );
  return client;
}

/**
 * The history's TTL in the test that checks it: the events carry times from T0 (2025-11-26), so with an hour
 * their items were already past their expiry, and the local TTL sweeper (every 5 s) could delete them between
 * the handler's writes and the reads (a clean-clone CI run failed so); AWS takes days to delete. Four years
 * keeps them in the future.
 */
const HISTORY_TTL_SECONDS = 4 * 365 * 86_400;

describe('kafka-to-dynamodb: state history', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka } = fixture;

  async function setUp(history: Partial<StateHistory> = {}, mapping: Partial<StateMapping> = {}) {
    const state = await fixture.createTable({
      name: uniqueName('orders'),
      partitionKey: { name: 'orderId', type: 'S' },
    });
    const historyTable = await fixture.createTable({
      name: uniqueName('order-history'),
      partitionKey: { name: 'orderId', type: 'S' },
      sortKey: { name: 'version', type: 'N' },
      ttlAttribute: 'expiresAt',
    });
    const topic = await createTestTopic(kafka, 'orders', 2);
    const config: DynamoSinkConfig = {
      consumerGroup: 'tests',
      tables: [state, historyTable],
      mappings: [
        {
          name: 'order-state',
          topic,
          mode: 'state',
          table: state.name,
          partitionKey: { name: 'orderId', template: '{orderId}' },
          versionField: 'version',
          eventIdField: 'eventId',
          history: {
            table: historyTable.name,
            timestampField: 'ts',
            actorField: 'actor',
            snapshotEvery: 3,
            ...history,
          },
          ...mapping,
        },
      ],
    };
    const handlerOn = (sinkClient: DynamoSend = client) => fixture.handler(config, sinkClient).handler;
    const read = { name: historyTable.name, partitionKey: 'orderId', sortKey: 'version' };
    return { state, historyTable, topic, handlerOn, read };
  }

  async function deliver(topic: string, events: readonly OrderEvent[]): Promise<MSKEvent> {
    await produceMessages(
      kafka,
      topic,
      events.map((e) => ({ key: e.orderId, value: e })),
    );
    return consumeAsMskEvent(kafka, topic, events.length);
  }

  it('keeps every version with its time, actor and cause, and answers the state as of a version or a time', async () => {
    // Prepare
    const { state, topic, handlerOn, read } = await setUp({ ttlSeconds: HISTORY_TTL_SECONDS });
    const events = [1, 2, 3, 4, 5].flatMap((v) => [
      orderEvent('o-1', v),
      ...(v <= 2 ? [orderEvent('o-2', v, { amount: v * 10 })] : []),
    ]);
    const event = await deliver(topic, events);

    // Act
    const response = await handlerOn()(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const trail = await readStateHistory(client, read, 'o-1', { consistent: true });
    expect(trail.map((e) => [e.version, e.at, e.actor, e.cause, e.eventId, e.change.status])).toEqual([
      [1, T0 + 60_000, 'customer', 'event', 'o-1-v1', 'created'],
      [2, T0 + 120_000, 'service-2', 'event', 'o-1-v2', 'paid'],
      [3, T0 + 180_000, 'service-3', 'event', 'o-1-v3', 'shipped'],
      [4, T0 + 240_000, 'service-4', 'event', 'o-1-v4', 'delivered'],
      [5, T0 + 300_000, 'service-5', 'event', 'o-1-v5', 'created'],
    ]);
    expect(trail.map((e) => e.state !== undefined)).toEqual([false, false, true, false, false]);
    expect(trail[0]?.source).toMatch(new RegExp(`^kafka:${topic}/\\d+/\\d+$`));
    const asOfTime = await readStateAsOf(client, read, 'o-1', { at: T0 + 250_000 }, { consistent: true });
    expect(asOfTime).toMatchObject({ version: 4, state: { ...orderEvent('o-1', 4) }, folded: 1 });
    const asOfVersion = await readStateAsOf(client, read, 'o-2', { version: 1 }, { consistent: true });
    expect(asOfVersion?.state).toEqual(orderEvent('o-2', 1, { amount: 10 }));
    expect(await readStateAsOf(client, read, 'o-1', { at: T0 }, { consistent: true })).toBeUndefined();
    const latest = await readSinkItem(client, state.name, { orderId: 'o-1' }, { consistent: true });
    expect(
      (await readStateAsOf(client, read, 'o-1', { at: T0 + 10_000_000 }, { consistent: true }))?.state,
    ).toEqual(latest);
    const items = await scanItems(client, read.name);
    expect(items.map((item) => item.expiresAt)).toEqual(
      items.map((item) => Math.floor(Number(item.sb_at) / 1000) + HISTORY_TTL_SECONDS),
    );
  });

  it('leaves history and state identical when the same batch is delivered three times', async () => {
    // Prepare
    const { state, historyTable, topic, handlerOn } = await setUp();
    const events = Array.from({ length: 40 }, (_, i) => orderEvent(`o-${i % 4}`, Math.floor(i / 4) + 1));
    const event = await deliver(topic, events);
    const handler = handlerOn();

    // Act
    const snapshots = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(event, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push([await scanItems(client, historyTable.name), await scanItems(client, state.name)]);
    }

    // Assess
    expect(snapshots[0]?.[0]).toHaveLength(40);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });

  it('loses no version and applies none twice when the sink stops mid-batch and a new one takes the redelivery', async () => {
    // Prepare: 30 entities × 3 versions; the first sink gets one history chunk written, then dies.
    const { state, historyTable, topic, handlerOn } = await setUp();
    const events = [1, 2, 3].flatMap((v) => Array.from({ length: 30 }, (_, i) => orderEvent(`o-${i}`, v)));
    const event = await deliver(topic, events);
    const failures = { BatchWriteItemCommand: 0, PutItemCommand: 0 };
    const dying = failing(dynamoClient(), failures);
    const dyingHandler = handlerOn(dying);
    let writes = 0;
    dying.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && ++writes > 1) {
          failures.BatchWriteItemCommand = 1_000;
          failures.PutItemCommand = 1_000;
        }
        return next(args);
      },
      { step: 'initialize', name: 'dieAfterOneChunk', priority: 'high' },
    );

    // Act
    const first = await dyingHandler(event, lambdaContext(5_000));
    const historyAfterCrash = await scanItems(client, historyTable.name);
    const redelivered = selectRecords(event, (r) =>
      first.batchItemFailures.some(
        (f) =>
          f.itemIdentifier['topic-partition'] === `${r.topic}-${r.partition}` &&
          r.offset >= f.itemIdentifier.offset,
      ),
    );
    const second = await handlerOn()(redelivered, lambdaContext());

    // Assess
    expect(first.batchItemFailures.length).toBeGreaterThan(0);
    expect(historyAfterCrash.length).toBeGreaterThan(0);
    expect(historyAfterCrash.length).toBeLessThan(90);
    expect(recordsOf(redelivered).length).toBeGreaterThan(0);
    expect(second.batchItemFailures).toEqual([]);
    const history = await scanItems(client, historyTable.name);
    expect(history.map((h) => `${h.orderId}#${h.version}`).sort()).toEqual(
      events.map((e) => `${e.orderId}#${e.version}`).sort(),
    );
    const states = await scanItems(client, state.name);
    expect(states.map((s) => [s.orderId, s.sb_version, s.status])).toEqual(
      Array.from({ length: 30 }, (_, i) => [`o-${i}`, 3, 'shipped']).sort((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    );
    dying.destroy();
  });

  it('writes a held version’s history, with its own actor, once the missing version arrives', async () => {
    // Prepare
    const { historyTable, topic, handlerOn, read } = await setUp();
    const event = await deliver(topic, [
      orderEvent('o-1', 1),
      orderEvent('o-1', 3, { actor: 'warehouse' }),
      orderEvent('o-1', 2, { actor: 'payments' }),
    ]);
    const handler = handlerOn();

    // Act
    await handler(
      selectRecords(event, (r) => r.offset < 2),
      lambdaContext(),
    );
    const before = await scanItems(client, historyTable.name);
    await handler(
      selectRecords(event, (r) => r.offset >= 2),
      lambdaContext(),
    );

    // Assess
    expect(before.map((h) => h.version)).toEqual([1]);
    const trail = await readStateHistory(client, read, 'o-1', { consistent: true });
    expect(trail.map((e) => [e.version, e.actor])).toEqual([
      [1, 'customer'],
      [2, 'payments'],
      [3, 'warehouse'],
    ]);
  });
});
