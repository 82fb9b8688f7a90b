import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { consumeAsMskEvent, produceMessages } from '../helpers/kafkaMskEvents';
import { lambdaContext, scanItems, T0, uniqueName, useDynamoSinkFixture } from './dynamoSinkFixture';

const DAY_SECONDS = 86_400;
/**
 * The events are of 2025-11-26 (T0): with a shorter retention their expiry is in the past, and the local
 * TTL expiry, like AWS's, would delete the items while the test reads them.
 */
const RETENTION_DAYS = 3_650;

describe('kafka-to-dynamodb: timeseries mode', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka, dlq } = fixture;

  function setUp() {
    return fixture.setUp({
      table: {
        name: uniqueName('series'),
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        ttlAttribute: 'expiresAt',
      },
      topic: { prefix: 'telemetry', partitions: 2 },
      mapping: (topic, table) => ({
        name: 'readings',
        topic,
        mode: 'timeseries',
        table,
        partitionKey: { name: 'pk', template: 'device#{deviceId}#{ts:yyyyMMdd}' },
        timestampField: 'ts',
        retentionDays: RETENTION_DAYS,
      }),
    });
  }

  it('writes one item per event under time-bucketed keys, in time order, with the TTL attribute set', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    const times = [T0 + 3_000, T0 + 1_000, T0 + 2_000, T0 + 86_400_000];
    await produceMessages(kafka, topic, [
      ...times.map((ts, i) => ({ key: 'd1', value: { deviceId: 'd1', ts, temp: 20 + i } })),
      { key: 'd2', value: { deviceId: 'd2', ts: new Date(T0).toISOString(), temp: 7 } },
    ]);
    const event = await consumeAsMskEvent(kafka, topic, 5);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const day1 = await client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'device#d1#20251126' } },
      }),
    );
    const readings = (day1.Items ?? []).map((item) => unmarshall(item));
    expect(readings.map((r) => r.ts)).toEqual([T0 + 1_000, T0 + 2_000, T0 + 3_000]);
    for (const r of readings) {
      expect(r.expiresAt).toBe(Math.floor((r.ts as number) / 1000) + RETENTION_DAYS * DAY_SECONDS);
      expect(r.sk).toMatch(/^2025-11-26T08:00:0\d\.000Z#[01]#\d{20}$/);
    }
    const all = await scanItems(client, table.name);
    expect(all.map((r) => r.pk).sort()).toEqual([
      'device#d1#20251126',
      'device#d1#20251126',
      'device#d1#20251126',
      'device#d1#20251127',
      'device#d2#20251126',
    ]);
  });

  it('leaves the table identical when the same batch is delivered three times', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    await produceMessages(
      kafka,
      topic,
      Array.from({ length: 60 }, (_, i) => ({
        key: `d${i % 4}`,
        value: { deviceId: `d${i % 4}`, ts: T0 + i, v: i },
      })),
    );
    const event = await consumeAsMskEvent(kafka, topic, 60);

    // Act
    const snapshots = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(event, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push(await scanItems(client, table.name));
    }

    // Assess
    expect(snapshots[0]).toHaveLength(60);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
  });

  it('dead-letters events it can never write (missing key field, bad time, item over 400 KB) and writes the rest', async () => {
    // Prepare
    const { table, topic, handler } = await setUp();
    await produceMessages(kafka, topic, [
      { key: 'a', value: { deviceId: 'a', ts: T0 }, partition: 0 },
      { key: 'b', value: { ts: T0 }, partition: 0 },
      { key: 'c', value: { deviceId: 'c', ts: 'yesterday' }, partition: 0 },
      { key: 'd', value: { deviceId: 'd', ts: T0, blob: 'x'.repeat(410 * 1024) }, partition: 0 },
      { key: 'e', value: { deviceId: 'e', ts: T0 }, partition: 0 },
    ]);
    const event = await consumeAsMskEvent(kafka, topic, 5);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await scanItems(client, table.name)).map((r) => r.deviceId)).toEqual(['a', 'e']);
    const mine = await dlq.letters(topic, 3);
    expect(mine.map((l) => [l.errorType, (l.coordinates as { offset: number }).offset])).toEqual([
      ['MissingField', 1],
      ['WrongType', 2],
      ['RecordTooLarge', 3],
    ]);
    expect(mine[0]?.reason).toMatch(/mapping "readings": .*field "deviceId" is missing/);
    expect(mine[2]?.reason).toMatch(/item is \d+ bytes \(DynamoDB allows 409600\)/);
  });
});
