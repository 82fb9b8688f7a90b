import { createHash } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ChangeEnvelope } from '../../../lambdas/core/types';
import { handler } from '../../../lambdas/ddb-stream-to-kafka';
import { streamEvent } from '../../factories/cdcRecords';
import { useCdcBridge } from './cdcBridgeFixture';
import { lambdaContext, readStreamRecords, readTopic, type Write, writeItems } from './cdcTestKit';

describe('ddb-stream-to-kafka against moto and Kafka', () => {
  const fixture = useCdcBridge({
    table: { prefix: 'sb-orders', partitionKey: 'orderId' },
    topic: { prefix: 'sb-orders-changes', partitions: 3 },
    source: { governance: { mask: ['card'], hash: ['email'] } },
    functionName: 'sb-ddb-stream-to-kafka',
  });
  const { aws, kafka, topic } = fixture;

  it('publishes every INSERT, MODIFY and REMOVE once, in order per key, on the key’s partition, masked', async () => {
    // Prepare: several changes per order, interleaved.
    const { table } = fixture;
    const writes: Write[] = [];
    for (let i = 1; i <= 6; i++) {
      writes.push({
        put: {
          orderId: { S: `o-${i}` },
          status: { S: 'new' },
          total: { N: String(i * 10) },
          big: { N: '12345678901234567890' },
          email: { S: `buyer${i}@example.com` },
          card: { S: `4111-0000-0000-000${i}` },
        },
      });
    }
    for (let i = 1; i <= 6; i++)
      writes.push({ update: { key: { orderId: { S: `o-${i}` } }, set: { status: { S: 'paid' } } } });
    for (const i of [2, 4]) writes.push({ delete: { orderId: { S: `o-${i}` } } });
    await writeItems(aws, table.name, writes);
    const records = await readStreamRecords(aws, table, writes.length);

    // Act
    const response = await handler(streamEvent(records), lambdaContext());

    // Assess: nothing failed, every change once
    expect(response).toEqual({ batchItemFailures: [] });
    const messages = await readTopic(kafka, topic, records.length);
    expect(messages).toHaveLength(records.length);
    const envelopes = messages.map((m) => JSON.parse(m.value as string) as ChangeEnvelope);
    expect(envelopes.map((e) => e.source.eventId).sort()).toEqual(records.map((r) => r.eventID).sort());

    // In stream order per key, on the partition any Kafka client picks for the key (murmur2)
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));
    for (let i = 1; i <= 6; i++) {
      const ofKey = messages.filter((m) => m.key === `o-${i}`);
      const expected = partitionOf({ topic, partitionMetadata, message: { key: `o-${i}`, value: null } });
      expect(ofKey.map((m) => m.partition)).toEqual(ofKey.map(() => expected));
      const expectedOps = i === 2 || i === 4 ? ['c', 'u', 'd'] : ['c', 'u'];
      expect(ofKey.map((m) => m.headers['sb-op'])).toEqual(expectedOps);
      const sequence = ofKey.map((m) => BigInt(m.headers['sb-sequence-number'] as string));
      expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
    }

    // The envelope of a MODIFY, masked and hashed, with headers
    const modify = messages.find((m) => m.key === 'o-3' && m.headers['sb-op'] === 'u');
    const record = records.find((r) => r.eventID === modify?.headers['sb-event-id']);
    const hashed = createHash('sha256').update('integration-salt').update('buyer3@example.com').digest('hex');
    expect(JSON.parse(modify?.value as string)).toMatchObject({
      op: 'u',
      key: { orderId: 'o-3' },
      before: { status: 'new', total: 30, big: { $N: '12345678901234567890' }, email: hashed, card: '****' },
      after: { status: 'paid', total: 30, email: hashed, card: '****' },
      source: {
        system: 'dynamodb',
        table: table.name,
        region: 'us-east-1',
        eventId: record?.eventID,
        sequenceNumber: record?.dynamodb?.SequenceNumber,
        ts_ms: (record?.dynamodb?.ApproximateCreationDateTime as number) * 1000,
        ttlExpired: false,
      },
    });
    expect(modify?.headers).toMatchObject({
      'content-type': 'application/json',
      'sb-table': table.name,
      'sb-sequence-number': record?.dynamodb?.SequenceNumber,
      'sb-lineage': 'sb-ddb-stream-to-kafka',
    });
    const everything = messages.map((m) => `${m.key}${m.value}${JSON.stringify(m.headers)}`).join('\n');
    expect(everything).not.toContain('@example.com');
    expect(everything).not.toContain('4111-0000');

    // A delete in partitionKey mode: envelope with before, no tombstone
    const deletes = messages.filter((m) => m.headers['sb-op'] === 'd');
    expect(deletes.map((m) => [m.key, JSON.parse(m.value as string).after])).toEqual(
      expect.arrayContaining([
        ['o-2', null],
        ['o-4', null],
      ]),
    );
    expect(messages.every((m) => m.value !== null)).toBe(true);
  });
});
