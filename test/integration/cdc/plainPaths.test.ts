/**
 * The change bridge with both optimisations switched off, through moto and the real broker: kafkajs encodes
 * the records as published (STREAMBRIDGE_KAFKA_RECORD_ENCODER=kafkajs) and the general writer writes every
 * envelope (STREAMBRIDGE_ENVELOPE_WRITER=general). This file is a test process of its own, so nothing else
 * installs the fast record encoder into its kafkajs.
 */
import produce from 'kafkajs/src/protocol/requests/produce/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChangeEnvelope, serializeChangeEnvelope } from '../../../lambdas/core/envelope/changeEnvelope';
import { decodeStreamRecord } from '../../../lambdas/core/envelope/decodeStreamRecord';
import { produceEncodingInstalled } from '../../../lambdas/core/kafka/produceEncoding';
import type { ChangeEnvelope } from '../../../lambdas/core/types';
import { handler } from '../../../lambdas/ddb-stream-to-kafka';
import { streamEvent } from '../../factories/cdcRecords';
import { useCdcBridge } from './cdcBridgeFixture';
import { lambdaContext, readStreamRecords, readTopic, type Write, writeItems } from './cdcTestKit';

describe('ddb-stream-to-kafka on the plain paths (stock kafkajs encoder, general envelope writer)', () => {
  const fixture = useCdcBridge({
    table: { prefix: 'sb-plain', partitionKey: 'orderId' },
    topic: { prefix: 'sb-plain-changes', partitions: 2 },
    source: { kafkaKey: 'primaryKey' },
  });

  beforeAll(() => {
    // Read by the handler's first invocation, as a deployed function reads its environment at cold start.
    process.env.STREAMBRIDGE_KAFKA_RECORD_ENCODER = 'kafkajs';
    process.env.STREAMBRIDGE_ENVELOPE_WRITER = 'general';
  });

  it('publishes every change, envelope bytes exactly as the object mapping serializes them', async () => {
    // Prepare: items of a few shapes (the compiled writer would have planned them), updates and deletes.
    const { aws, kafka, table, topic } = fixture;
    const writes: Write[] = [];
    for (let i = 1; i <= 8; i++) {
      writes.push({
        put: {
          orderId: { S: `o-${i}` },
          total: { N: String(i * 10.5) },
          big: { N: '12345678901234567890' },
          tags: { SS: ['web', `t-${i}`] },
          lines: { L: [{ M: { sku: { S: `sku-${i}` }, qty: { N: String(i) } } }] },
          ...(i % 2 === 0
            ? { note: { NULL: true }, paid: { BOOL: false } }
            : { blob: { B: Buffer.from([0, 1, 2]) } }),
        },
      });
    }
    for (let i = 1; i <= 8; i += 2)
      writes.push({ update: { key: { orderId: { S: `o-${i}` } }, set: { status: { S: 'paid' } } } });
    writes.push({ delete: { orderId: { S: 'o-2' } } });
    await writeItems(aws, table.name, writes);
    const records = await readStreamRecords(aws, table, writes.length);

    // Act
    const response = await handler(streamEvent(records), lambdaContext());

    // Assess: no failure; kafkajs as published did the encoding
    expect(response).toEqual({ batchItemFailures: [] });
    expect(produceEncodingInstalled(produce)).toBe(false);
    // every change once (and the tombstone after the delete, primaryKey mode), bytes as the objects give them
    const messages = await readTopic(kafka, topic, records.length + 1);
    const envelopes = messages.filter((m) => m.value !== null);
    expect(envelopes).toHaveLength(records.length);
    for (const record of records) {
      const message = envelopes.find((m) => m.headers['sb-event-id'] === record.eventID);
      const producedAt = (JSON.parse(message?.value as string) as ChangeEnvelope).ts_ms;
      const expected = buildChangeEnvelope(decodeStreamRecord(record), producedAt);
      expect(message?.value).toBe(serializeChangeEnvelope(expected));
      expect(message?.key).toBe(JSON.stringify(expected.key));
    }
    const tombstones = messages.filter((m) => m.value === null);
    expect(tombstones.map((m) => m.key)).toEqual(['{"orderId":"o-2"}']);
  });
});
