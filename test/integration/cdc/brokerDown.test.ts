import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamBatchResponse } from '../../../lambdas/core/types';
import { handler } from '../../../lambdas/ddb-stream-to-kafka';
import { freePort, type ServicesOptions, startServices, stopServices } from '../../../local/services';
import { streamEvent } from '../../factories/cdcRecords';
import { useCdcBridge } from './cdcBridgeFixture';
import { lambdaContext, readStreamRecords, readTopic, writeItems } from './cdcTestKit';

const MAX_REDELIVERIES = 5;

/** The checkpoint rule: once a record of the batch is reported, every later one is too. */
function expectReportedSuffix(batch: readonly DynamoDBRecord[], response: StreamBatchResponse): number {
  const reported = response.batchItemFailures.map((f) => f.itemIdentifier);
  const first = batch.findIndex((r) => reported.includes(r.dynamodb?.SequenceNumber as string));
  if (first < 0) {
    expect(reported).toEqual([]);
    return batch.length;
  }
  expect(reported).toEqual(batch.slice(first).map((r) => r.dynamodb?.SequenceNumber));
  return first;
}

describe('ddb-stream-to-kafka when its broker is lost mid-stream (private Kafka)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sb-cdc-broker-'));
  let options: ServicesOptions;

  // Registered before the fixture's hooks: the private broker is up before the fixture starts, and
  // stopped (with its topics) after the fixture stopped.
  beforeAll(async () => {
    options = {
      only: ['kafka'],
      stateDir,
      ports: { kafka: await freePort(), kafkaController: await freePort() },
      log: () => undefined,
    };
    await startServices(options);
  });

  afterAll(async () => {
    await stopServices({ ...options, kill: true, purge: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  const fixture = useCdcBridge({
    table: { prefix: 'sb-orders', partitionKey: 'orderId' },
    topic: { prefix: 'sb-orders-changes', partitions: 3 },
    functionName: 'sb-ddb',
    brokers: () => `127.0.0.1:${options.ports?.kafka}`,
  });
  const { aws, topic } = fixture;

  it('reports the right records while the broker is down and loses nothing once it is back', async () => {
    // Prepare: 30 changes over 10 keys, delivered as three batches.
    const { kafka, table } = fixture;
    await writeItems(
      aws,
      table.name,
      Array.from({ length: 30 }, (_, i) => ({
        put: { orderId: { S: `o-${i % 10}` }, version: { N: String(Math.floor(i / 10)) } },
      })),
    );
    const records = await readStreamRecords(aws, table, 30);
    const [a, b, c] = [records.slice(0, 10), records.slice(10, 20), records.slice(20, 30)];
    const reported = new Set<string>();
    const run = async (batch: DynamoDBRecord[]) => {
      const response = await handler(streamEvent(batch), lambdaContext(30_000));
      for (const f of response.batchItemFailures) reported.add(f.itemIdentifier);
      return response;
    };

    // Act 1: the broker is up, then crashes while batch B is in flight, and stays down for batch C.
    expect(await run(a)).toEqual({ batchItemFailures: [] });
    const [inFlight] = await Promise.all([run(b), stopServices({ ...options, kill: true })]);
    const started = Date.now();
    const whileDown = await run(c);

    // Assess 1: B reports a suffix (maybe empty, if it beat the crash); C reports everything, in bounded time.
    let bFrom = expectReportedSuffix(b, inFlight);
    let cFrom = expectReportedSuffix(c, whileDown);
    expect(cFrom).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);

    // Act 2: the broker comes back with its data; Lambda redelivers each batch from its lowest reported record.
    await startServices(options);
    for (let attempt = 0; attempt < MAX_REDELIVERIES && (bFrom < b.length || cFrom < c.length); attempt++) {
      if (bFrom < b.length) bFrom += expectReportedSuffix(b.slice(bFrom), await run(b.slice(bFrom)));
      if (bFrom === b.length && cFrom < c.length)
        cFrom += expectReportedSuffix(c.slice(cFrom), await run(c.slice(cFrom)));
    }

    // Assess 2: every change is on the topic; only reported records may appear twice.
    expect([bFrom, cFrom]).toEqual([b.length, c.length]);
    const messages = await readTopic(kafka, topic, records.length);
    const counts = new Map<string, number>();
    for (const m of messages)
      counts.set(
        m.headers['sb-sequence-number'] as string,
        (counts.get(m.headers['sb-sequence-number'] as string) ?? 0) + 1,
      );
    for (const record of records)
      expect(counts.get(record.dynamodb?.SequenceNumber as string) ?? 0).toBeGreaterThanOrEqual(1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([sequence]) => sequence);
    for (const sequence of duplicated) expect(reported.has(sequence)).toBe(true);
    expect(reported.size).toBeGreaterThanOrEqual(c.length);
  });
});
