import { describe, expect, it } from 'vitest';
import { readSinkItem } from '../../../lambdas/kafka-to-dynamodb/readSinkItem';
import { consumeAsMskEvent, produceMessages, recordsOf, selectRecords } from '../helpers/kafkaMskEvents';
import { lambdaContext, scanItems, T0, uniqueName, useDynamoSinkFixture } from './dynamoSinkFixture';

interface Click {
  readonly page: string;
  readonly ts: number;
  readonly quantity?: number;
}

/** What the view must hold: count, sum, min and max per page and hour. */
function expectedViews(clicks: readonly Click[]) {
  const views = new Map<string, { views: number; quantity: number; minQ?: number; maxQ?: number }>();
  for (const c of clicks) {
    const key = `page#${c.page}|${new Date(c.ts).toISOString().slice(0, 13)}`;
    const v = views.get(key) ?? { views: 0, quantity: 0 };
    v.views++;
    if (c.quantity !== undefined) {
      v.quantity += c.quantity;
      v.minQ = Math.min(v.minQ ?? c.quantity, c.quantity);
      v.maxQ = Math.max(v.maxQ ?? c.quantity, c.quantity);
    }
    views.set(key, v);
  }
  return [...views].map(([key, v]) => {
    const [pk, window] = key.split('|');
    return { pk, window, ...v };
  });
}

function viewsOf(items: readonly Record<string, unknown>[]) {
  return items.map((item) => ({
    pk: item.pk,
    window: item.window,
    views: item.views,
    quantity: item.quantity,
    ...(item.minQ === undefined ? {} : { minQ: item.minQ, maxQ: item.maxQ }),
  }));
}

function byKey<T extends { pk?: unknown; window?: unknown }>(rows: T[]): T[] {
  return rows.sort((a, b) => `${a.pk}|${a.window}`.localeCompare(`${b.pk}|${b.window}`));
}

function clicks(count: number, pages: number, from = 0): Click[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + from;
    return {
      page: `p${i % pages}`,
      ts: T0 + (i % 7) * 1_200_000,
      ...(i % 5 === 0 ? {} : { quantity: (i * 37) % 11 }),
    };
  });
}

describe('kafka-to-dynamodb: aggregate mode (materialized views)', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka, dlq } = fixture;

  function setUp(partitions: number) {
    return fixture.setUp({
      table: {
        name: uniqueName('views'),
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'window', type: 'S' },
      },
      topic: { prefix: 'clicks', partitions },
      mapping: (topic, table) => ({
        name: 'page-views',
        topic,
        mode: 'aggregate',
        table,
        partitionKey: { name: 'pk', template: 'page#{page}' },
        sortKey: { name: 'window', template: '{ts:yyyy-MM-ddTHH}' },
        metrics: [
          { name: 'views', op: 'count' },
          { name: 'quantity', op: 'sum', field: 'quantity' },
          { name: 'minQ', op: 'min', field: 'quantity' },
          { name: 'maxQ', op: 'max', field: 'quantity' },
        ],
      }),
    });
  }

  it('pre-aggregates a batch into one guarded write per key and window', async () => {
    // Prepare
    const { table, topic, handler, logs } = await setUp(2);
    const sent = clicks(1_000, 10);
    await produceMessages(
      kafka,
      topic,
      sent.map((c) => ({ key: c.page, value: c })),
    );
    const event = await consumeAsMskEvent(kafka, topic, sent.length);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const items = await scanItems(client, table.name);
    expect(byKey(viewsOf(items))).toEqual(byKey(expectedViews(sent)));
    const distinctKeys = items.length;
    const emf = JSON.parse(logs.find((l) => l.includes('"DynamoWriteRequests"')) as string);
    expect([emf.RecordsDeadLettered, emf.RecordsFailed]).toEqual([0, 0]);
    const writes = [emf.DynamoWriteRequests].flat() as number[];
    expect(writes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(distinctKeys + 2);
    const first = items[0] as Record<string, unknown>;
    const view = await readSinkItem(client, table.name, { pk: first.pk, window: first.window });
    expect(Object.keys(view ?? {}).some((name) => name.startsWith('sb_'))).toBe(false);
  });

  it('keeps counters identical when the same batch is delivered three times', async () => {
    // Prepare
    const { table, topic, handler } = await setUp(2);
    const sent = clicks(400, 6);
    await produceMessages(
      kafka,
      topic,
      sent.map((c) => ({ key: c.page, value: c })),
    );
    const event = await consumeAsMskEvent(kafka, topic, sent.length);

    // Act
    const snapshots = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(event, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push(viewsOf(await scanItems(client, table.name)));
    }

    // Assess
    expect(byKey(snapshots[0] ?? [])).toEqual(byKey(expectedViews(sent)));
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });

  it('adds exactly the new events of a redelivery that overlaps applied offsets', async () => {
    // Prepare
    const { table, topic, handler, logs } = await setUp(1);
    const sent = clicks(300, 4);
    await produceMessages(
      kafka,
      topic,
      sent.map((c) => ({ key: c.page, value: c })),
    );
    const all = await consumeAsMskEvent(kafka, topic, sent.length);
    const firstBatch = selectRecords(all, (r) => r.offset < 200);
    const overlapping = selectRecords(all, (r) => r.offset >= 100);

    // Act
    const first = await handler(firstBatch, lambdaContext());
    const second = await handler(overlapping, lambdaContext());

    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(byKey(viewsOf(await scanItems(client, table.name)))).toEqual(byKey(expectedViews(sent)));
    const last = JSON.parse(logs.filter((l) => l.includes('"RecordsDuplicate"')).at(-1) as string);
    expect(last.RecordsDuplicate).toBe(100);
    expect(recordsOf(overlapping)).toHaveLength(200);
  });

  it('dead-letters events whose metric field is not a number and counts the others', async () => {
    // Prepare
    const { table, topic, handler } = await setUp(1);
    await produceMessages(kafka, topic, [
      { key: 'a', value: { page: 'a', ts: T0, quantity: 2 } },
      { key: 'a', value: { page: 'a', ts: T0, quantity: 'many' } },
      { key: 'a', value: { ts: T0, quantity: 1 } },
      { key: 'a', value: { page: 'a', ts: T0, quantity: '3' } },
    ]);
    const event = await consumeAsMskEvent(kafka, topic, 4);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(viewsOf(await scanItems(client, table.name))).toEqual([
      { pk: 'page#a', window: '2025-11-26T08', views: 2, quantity: 5, minQ: 2, maxQ: 3 },
    ]);
    const letters = await dlq.letters(topic, 2);
    expect(letters.map((l) => l.errorType).sort()).toEqual(['MissingField', 'WrongType']);
  });
});
