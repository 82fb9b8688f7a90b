/**
 * The demo's verifier against faults injected into the real sinks (redis-server and the moto server): the
 * sink state is written here the way the sinks write it (stream entries with XADD MAXLEN ~, one
 * time-series item per reading), then broken in one place, and the reader and verifier must show it in
 * the summary. The pipeline is the reference one with its own series table and, for the capped-stream
 * test, a small stream cap so a few hundred readings pass it.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPipeline, demoPipeline, renderKey } from '../../../local/demo/demoPipeline';
import { demoSummary } from '../../../local/demo/demoSummary';
import { SinkReader } from '../../../local/demo/SinkReader';
import { summaryText } from '../../../local/demo/summaryText';
import { Tally } from '../../../local/demo/Tally';
import type { TelemetryEvent } from '../../../local/demo/types';
import { type Verification, verifyResults } from '../../../local/demo/verifyResults';
import config from '../../../streambridge.config';
import { awsClientConfig, requireEnv } from '../serviceEnv';

const T0 = Date.UTC(2026, 10, 26, 9, 30, 0);
const BATCH_WRITE_LIMIT = 25;

let redis: Redis;
let dynamodb: DynamoDBClient;
const tables: string[] = [];

/** The reference pipeline with a series table of its own and, optionally, another stream cap. */
async function testPipeline(streamCap?: number): Promise<DemoPipeline> {
  const base = demoPipeline(config);
  const table = `sb-verifier-series-${randomUUID().slice(0, 8)}`;
  const partitionKey = base.dynamodb.series.partitionKey.name;
  const sortKeyName = base.dynamodb.series.sortKeyName ?? 'sk';
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKeyName, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKeyName, KeyType: 'RANGE' },
      ],
    }),
  );
  tables.push(table);
  return {
    ...base,
    redis: {
      ...base.redis,
      stream: { ...base.redis.stream, maxLength: streamCap ?? base.redis.stream.maxLength },
    },
    dynamodb: { ...base.dynamodb, series: { ...base.dynamodb.series, table } },
  };
}

/** `count` readings of a device of its own, 1 s apart. */
function readings(count: number): TelemetryEvent[] {
  const deviceId = `dev-${randomUUID().slice(0, 8)}`;
  return Array.from({ length: count }, (_, i) => ({
    kind: 'telemetry',
    deviceId,
    ts: T0 + i * 1_000,
    temperature: 20 + (i % 10),
    humidity: 50,
    battery: 90,
  }));
}

function streamKey(pipeline: DemoPipeline, event: TelemetryEvent): string {
  return renderKey(pipeline.redis.stream.keyT, event as unknown as Record<string, unknown>);
}

/** One XADD MAXLEN ~ cap, with the reading's fields, as the Redis sink appends a change. */
function append(pipeline: DemoPipeline, event: TelemetryEvent): Promise<unknown> {
  const fields = Object.entries(event).flatMap(([name, value]) => [name, String(value)]);
  const cap = String(pipeline.redis.stream.maxLength);
  return redis.call('XADD', streamKey(pipeline, event), 'MAXLEN', '~', cap, '*', ...fields);
}

function seriesItemKey(pipeline: DemoPipeline, event: TelemetryEvent, index: number) {
  const { series } = pipeline.dynamodb;
  return {
    [series.partitionKey.name]: { S: renderKey(series.pkT, event as unknown as Record<string, unknown>) },
    [series.sortKeyName ?? 'sk']: {
      S: `${new Date(event.ts).toISOString()}#0#${String(index).padStart(20, '0')}`,
    },
  };
}

/** One time-series item per reading, as the DynamoDB sink writes them. */
async function writeSeries(pipeline: DemoPipeline, events: readonly TelemetryEvent[]): Promise<void> {
  const { series } = pipeline.dynamodb;
  for (let i = 0; i < events.length; i += BATCH_WRITE_LIMIT) {
    const requests = events.slice(i, i + BATCH_WRITE_LIMIT).map((event, k) => ({
      PutRequest: {
        Item: { ...seriesItemKey(pipeline, event, i + k), [series.timestampField]: { N: String(event.ts) } },
      },
    }));
    const { UnprocessedItems } = await dynamodb.send(
      new BatchWriteItemCommand({ RequestItems: { [series.table]: requests } }),
    );
    expect(UnprocessedItems?.[series.table] ?? []).toEqual([]);
  }
}

function verify(pipeline: DemoPipeline, tally: Tally, observed: Awaited<ReturnType<SinkReader['read']>>) {
  return verifyResults({
    pipeline,
    expectation: tally.expectation,
    observed,
    now: Date.now(),
    runTag: 'verifier-test',
  });
}

function printed(tally: Tally, verification: Verification): string {
  const latencyMs = { samples: 0, timeouts: 0, p50: null, p95: null, p99: null, max: null };
  const run = {
    runTag: 'verifier-test',
    seed: 0,
    durationMs: 0,
    eventsByKind: tally.expectation.counts,
    latencyMs,
  };
  return summaryText(demoSummary(run, verification)).join('\n');
}

describe('demo verifier against faults in the real sinks', () => {
  beforeAll(() => {
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 2 });
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
  });

  afterAll(async () => {
    for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
    redis.disconnect();
    dynamodb.destroy();
  });

  it('catches a reading appended twice to a capped stream after the cap has trimmed the duplicate away', async () => {
    // Prepare: 600 readings into a stream capped at 100, reading 50 appended again after reading 200; the
    // reader passes every 40 appends, as the demo's verification passes run during a run
    const pipeline = await testPipeline(100);
    const events = readings(600);
    const tally = new Tally(pipeline);
    for (const event of events) tally.record(event);
    const reader = new SinkReader({ pipeline, redis, dynamodb });
    await writeSeries(pipeline, events);
    const appended = [...events.slice(0, 200), events[50] as TelemetryEvent, ...events.slice(200)];
    for (const [i, event] of appended.entries()) {
      await append(pipeline, event);
      if (i % 40 === 39) await reader.read(tally.expectation);
    }
    const key = streamKey(pipeline, events[0] as TelemetryEvent);
    const remaining = (await redis.call('XRANGE', key, '-', '+')) as [string, string[]][];
    const duplicateTs = String(events[50]?.ts);
    // The cap hid it: the stream holds far fewer entries than readings, and none of them is reading 50.
    expect(remaining.length).toBeLessThan(300);
    expect(remaining.filter(([, fields]) => fields[fields.indexOf('ts') + 1] === duplicateTs)).toEqual([]);

    // Act
    const result = verify(pipeline, tally, await reader.read(tally.expectation));

    // Assess
    expect(result.byKind.telemetry).toMatchObject({ events: 600, doubleApplied: 1, lost: 0, unverified: 0 });
    expect(result.ok).toBe(false);
    const text = printed(tally, result);
    expect(text).toContain('double-applied  1 (telemetry 1)');
    expect(text).toMatch(/✗ redis:device-latest .* double 1/);
    expect(text).toContain('RESULT: FAILED — 1 double-applied');
  });

  it('counts one reading deleted from the stream and another deleted from the time series as two lost events', async () => {
    // Prepare: every reading in both sinks, one pass of the reader during the run, then one event deleted
    // from each sink
    const pipeline = await testPipeline();
    const events = readings(60);
    const tally = new Tally(pipeline);
    for (const event of events) tally.record(event);
    const reader = new SinkReader({ pipeline, redis, dynamodb });
    await writeSeries(pipeline, events);
    const ids: string[] = [];
    for (const event of events) ids.push(String(await append(pipeline, event)));
    await reader.read(tally.expectation);
    await redis.call('XDEL', streamKey(pipeline, events[0] as TelemetryEvent), ids[10] as string);
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: pipeline.dynamodb.series.table,
        Key: seriesItemKey(pipeline, events[20] as TelemetryEvent, 20),
      }),
    );

    // Act
    const result = verify(pipeline, tally, await reader.read(tally.expectation));

    // Assess
    expect(result.checks.filter((c) => c.lost > 0).map((c) => [c.effect, c.lost])).toEqual([
      ['redis:device-latest', 1],
      ['dynamodb:telemetry-series', 1],
    ]);
    expect(result).toMatchObject({ lost: 2, applied: 58, ok: false });
    const text = printed(tally, result);
    expect(text).toContain('lost            2 (telemetry 2)');
    expect(text).toContain('RESULT: FAILED — 2 lost');
  });
});
