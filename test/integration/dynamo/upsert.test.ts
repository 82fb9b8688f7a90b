import { describe, expect, it } from 'vitest';
import { readSinkItem } from '../../../lambdas/kafka-to-dynamodb/readSinkItem';
import type { TestMessage } from '../helpers/kafkaMskEvents';
import { consumeAsMskEvent, produceMessages, selectRecords } from '../helpers/kafkaMskEvents';
import {
  changeEnvelope,
  lambdaContext,
  scanItems,
  uniqueName,
  useDynamoSinkFixture,
} from './dynamoSinkFixture';

/** A DynamoDB Streams-like sequence number (21+ digits, beyond 2^53) for change number `n`. */
function seq(n: number): string {
  return `4900000000000${String(n).padStart(10, '0')}`;
}

function upsert(id: string, n: number, fields: Record<string, unknown>): TestMessage {
  return {
    key: id,
    value: changeEnvelope(n === 1 ? 'c' : 'u', seq(n), { productId: id }, { productId: id, ...fields }),
  };
}

function remove(id: string, n: number): TestMessage {
  return { key: id, value: changeEnvelope('d', seq(n), { productId: id }, { productId: id }) };
}

describe('kafka-to-dynamodb: upsert mode (CDC replica)', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka, dlq } = fixture;

  function setUp(tombstoneRetentionDays?: number) {
    return fixture.setUp({
      table: {
        name: uniqueName('replica'),
        partitionKey: { name: 'productId', type: 'S' },
        ttlAttribute: 'expiresAt',
      },
      topic: { prefix: 'products', partitions: 2 },
      mapping: (topic, table) => ({
        name: 'products-replica',
        topic,
        mode: 'upsert',
        table,
        ...(tombstoneRetentionDays ? { tombstoneRetentionDays } : {}),
      }),
    });
  }

  async function deliver(topic: string, messages: readonly TestMessage[]) {
    await produceMessages(kafka, topic, messages);
    return consumeAsMskEvent(kafka, topic, messages.length);
  }

  it('replicates after images exactly (big numbers, binary, sets) and deletes', async () => {
    // Prepare
    const { table, topic, handler } = await setUp(7);
    const exotic = {
      price: { $N: '123456789012345678901234567890' },
      photo: { $B: 'AAECAw==' },
      tags: { $SS: ['new', 'sale'] },
      sizes: { $NS: ['38', '40.5'] },
      meta: { nested: [1, 'two', null, true] },
    };
    const event = await deliver(topic, [
      upsert('a', 1, { name: 'Lamp', stock: 3 }),
      upsert('b', 1, { name: 'Desk', ...exotic }),
      upsert('a', 2, { name: 'Lamp', stock: 2 }),
      upsert('c', 1, { name: 'Chair' }),
      remove('c', 2),
    ]);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await readSinkItem(client, table.name, { productId: 'a' })).toEqual({
      productId: 'a',
      name: 'Lamp',
      stock: 2,
    });
    const b = await readSinkItem(client, table.name, { productId: 'b' });
    expect(b?.price).toEqual({ $N: '123456789012345678901234567890' });
    expect(Buffer.from(b?.photo as Uint8Array).toString('base64')).toBe('AAECAw==');
    const tags = b?.tags as Set<string>;
    expect([...tags].sort()).toEqual(['new', 'sale']);
    const sizes = b?.sizes as Set<number>;
    expect([...sizes].sort()).toEqual([38, 40.5]);
    expect(b?.meta).toEqual({ nested: [1, 'two', null, true] });
    expect(await readSinkItem(client, table.name, { productId: 'c' })).toBeUndefined();
    const marker = await readSinkItem(client, table.name, { productId: 'c' }, { raw: true });
    expect(marker?.sb_deleted).toBe(true);
    expect(marker?.sb_seq).toBe(seq(2).padStart(40, '0'));
    expect(marker?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);
    expect(marker?.name).toBeUndefined();
  });

  it('leaves the replica identical when the same batch is delivered three times', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    const messages = Array.from({ length: 40 }, (_, i) =>
      i % 9 === 8 ? remove(`p${i % 5}`, i + 1) : upsert(`p${i % 5}`, i + 1, { rev: i }),
    );
    const event = await deliver(topic, messages);

    // Act
    const snapshots = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(event, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push(await scanItems(client, table.name));
    }

    // Assess
    expect(snapshots[0]).toHaveLength(5);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });

  it('keeps the newest change when changes of a key arrive out of order across two batches', async () => {
    // Prepare: the Kinesis path may deliver older changes after newer ones.
    const { table, topic, handler } = await setUp();
    const event = await deliver(topic, [
      { ...upsert('a', 30, { price: 30 }), partition: 0 },
      { ...remove('b', 40), partition: 0 },
      { ...upsert('a', 10, { price: 10 }), partition: 0 },
      { ...upsert('b', 35, { price: 35 }), partition: 0 },
      { ...upsert('a', 20, { price: 20 }), partition: 0 },
    ]);
    const firstBatch = selectRecords(event, (r) => r.offset < 2);
    const secondBatch = selectRecords(event, (r) => r.offset >= 2);

    // Act
    const first = await handler(firstBatch, lambdaContext());
    const second = await handler(secondBatch, lambdaContext());

    // Assess
    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[], []]);
    expect(await readSinkItem(client, table.name, { productId: 'a' })).toEqual({ productId: 'a', price: 30 });
    expect(await readSinkItem(client, table.name, { productId: 'b' })).toBeUndefined();
  });

  it('applies a lone Kafka tombstone as a delete that an older change cannot undo', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    const event = await deliver(topic, [
      { ...upsert('a', 5, { price: 5 }), partition: 1 },
      { key: JSON.stringify({ productId: 'a' }), value: null, partition: 1 },
      { ...upsert('a', 4, { price: 4 }), partition: 1 },
      { ...upsert('a', 6, { price: 6 }), partition: 1 },
    ]);

    // Act
    const first = await handler(
      selectRecords(event, (r) => r.offset === 0),
      lambdaContext(),
    );
    const tombstone = await handler(
      selectRecords(event, (r) => r.offset === 1),
      lambdaContext(),
    );
    const afterTombstone = await readSinkItem(client, table.name, { productId: 'a' }, { raw: true });
    const older = await handler(
      selectRecords(event, (r) => r.offset === 2),
      lambdaContext(),
    );
    const afterOlder = await readSinkItem(client, table.name, { productId: 'a' });
    const newer = await handler(
      selectRecords(event, (r) => r.offset === 3),
      lambdaContext(),
    );

    // Assess
    expect([first, tombstone, older, newer].flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect([afterTombstone?.sb_deleted, afterTombstone?.sb_seq, afterTombstone?.price]).toEqual([
      true,
      seq(5).padStart(40, '0'),
      undefined,
    ]);
    expect(afterOlder).toBeUndefined();
    expect(await readSinkItem(client, table.name, { productId: 'a' })).toEqual({ productId: 'a', price: 6 });
  });

  it('dead-letters records that are not change envelopes or lack a usable key or sequence number', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    const bad = changeEnvelope('u', 'not-a-number', { productId: 'z' }, { productId: 'z' });
    const event = await deliver(topic, [
      { key: 'x', value: { productId: 'x', price: 1 }, partition: 0 },
      { key: 'y', value: changeEnvelope('c', seq(1), { sku: 'y' }, { sku: 'y' }), partition: 0 },
      { key: 'z', value: bad, partition: 0 },
      { key: 'w', value: changeEnvelope('c', seq(1), { productId: 7 }, { productId: 7 }), partition: 0 },
      { ...upsert('ok', 1, { price: 1 }), partition: 0 },
    ]);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await scanItems(client, table.name)).map((i) => i.productId)).toEqual(['ok']);
    const letters = await dlq.letters(topic, 4);
    expect(letters.map((l) => [(l.coordinates as { offset: number }).offset, l.errorType])).toEqual([
      [0, 'SchemaViolation'],
      [1, 'MissingField'],
      [2, 'WrongType'],
      [3, 'WrongType'],
    ]);
  });
});
