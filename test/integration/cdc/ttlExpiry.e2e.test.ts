/**
 * TTL expiry end to end: the local moto deletes an expired item the way DynamoDB does (a REMOVE by the
 * service), and both change bridges publish it to Kafka as a delete with `source.ttlExpired: true` — the
 * DynamoDB Streams path, and the Kinesis path through the local Kinesis streaming destination.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChangeEnvelope } from '../../../lambdas/core/types';
import { handler as streamsHandler } from '../../../lambdas/ddb-stream-to-kafka';
import { handler as kinesisHandler } from '../../../lambdas/kinesis-to-kafka';
import { KinesisStreamingDestination } from '../../../local/deploy';
import {
  type KinesisSourceRecord,
  kinesisEvent,
  kinesisSourceRecord,
} from '../../../local/runtime/pollers/kinesisEvent';
import { streamEvent } from '../../factories/cdcRecords';
import { useCdcBridge } from './cdcBridgeFixture';
import {
  createKinesisStream,
  deleteKinesisStream,
  lambdaContext,
  POLL,
  readStreamRecords,
  readTopic,
  type Write,
  writeItems,
} from './cdcTestKit';

const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

describe('TTL expiry from moto to Kafka', () => {
  // Both bridges run in this process: without a function name, each names itself in the lineage header.
  const fixture = useCdcBridge({
    table: { prefix: 'sb-sessions', partitionKey: 'sessionId' },
    topic: { prefix: 'sb-sessions-changes', partitions: 1 },
  });
  const { aws, kafka, topic } = fixture;
  let streamName = '';
  const checkpointDir = mkdtempSync(join(tmpdir(), 'sb-ttl-e2e-'));
  let destination: KinesisStreamingDestination | undefined;

  beforeAll(async () => {
    await aws.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: fixture.table.name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
      }),
    );
    streamName = await createKinesisStream(aws, 'sb-sessions-kds');
  });

  afterAll(async () => {
    await destination?.stop();
    if (streamName) await deleteKinesisStream(aws, streamName);
    rmSync(checkpointDir, { recursive: true, force: true });
  });

  /** What the Kinesis streaming destination put on the stream, as Lambda would deliver it. */
  async function readKinesisAsLambda(count: number): Promise<KinesisSourceRecord[]> {
    const { Shards } = await aws.kinesis.send(new ListShardsCommand({ StreamName: streamName }));
    const shardId = Shards?.[0]?.ShardId as string;
    const summary = await aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const where = {
      shardId,
      streamArn: summary.StreamDescriptionSummary?.StreamARN as string,
      region: await aws.kinesis.config.region(),
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/kinesis-to-kafka',
    };
    const records: KinesisSourceRecord[] = [];
    let { ShardIterator } = await aws.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    await vi.waitFor(async () => {
      const page = await aws.kinesis.send(new GetRecordsCommand({ ShardIterator }));
      ShardIterator = page.NextShardIterator;
      records.push(...(page.Records ?? []).map((raw) => kinesisSourceRecord(raw, where)));
      expect(records.length).toBeGreaterThanOrEqual(count);
    }, POLL);
    return records;
  }

  it('publishes the delete of an expired item as a service delete with ttlExpired on both paths', async () => {
    // Prepare: one item about to expire, one that lives on; the destination forwards the table's stream
    const { table } = fixture;
    const now = Math.floor(Date.now() / 1000);
    const writes: Write[] = [
      { put: { sessionId: { S: 's-expiring' }, page: { S: 'home' }, expiresAt: { N: String(now + 1) } } },
      { put: { sessionId: { S: 's-live' }, page: { S: 'cart' }, expiresAt: { N: String(now + 3_600) } } },
    ];
    await writeItems(aws, table.name, writes);
    destination = new KinesisStreamingDestination({
      tableName: table.name,
      tableStreamArn: table.streamArn,
      kinesisStreamName: streamName,
      dynamodbStreams: aws.streams,
      kinesis: aws.kinesis,
      region: await aws.kinesis.config.region(),
      checkpointFile: join(checkpointDir, 'checkpoint.json'),
      idleDelayMs: 50,
    });
    destination.start();

    // Act: moto expires the item; each bridge gets the changes as Lambda would deliver them
    const changes = await readStreamRecords(aws, table, writes.length + 1);
    const viaKinesis = await readKinesisAsLambda(writes.length + 1);
    const fromStreams = await streamsHandler(streamEvent(changes), lambdaContext());
    const fromKinesis = await kinesisHandler(kinesisEvent(viaKinesis), lambdaContext());

    // Assess: the stream record is the service's delete
    const removal = changes.find((change) => change.eventName === 'REMOVE');
    expect(removal?.userIdentity).toEqual(TTL_IDENTITY);
    expect(removal?.dynamodb?.Keys).toEqual({ sessionId: { S: 's-expiring' } });
    expect(fromStreams).toEqual({ batchItemFailures: [] });
    expect(fromKinesis).toEqual({ batchItemFailures: [] });

    // Both paths published three changes: two creates and the TTL delete
    const messages = await readTopic(kafka, topic, 2 * changes.length);
    expect(messages).toHaveLength(2 * changes.length);
    for (const lineage of ['ddb-stream-to-kafka', 'kinesis-to-kafka']) {
      const envelopes = messages
        .filter((message) => message.headers['sb-lineage'] === lineage)
        .map((message) => JSON.parse(message.value as string) as ChangeEnvelope);
      expect(
        envelopes.map((e) => [e.op, e.key.sessionId, e.source.ttlExpired]),
        lineage,
      ).toEqual([
        ['c', 's-expiring', false],
        ['c', 's-live', false],
        ['d', 's-expiring', true],
      ]);
      const deleted = envelopes[2];
      expect(deleted?.before).toMatchObject({ sessionId: 's-expiring', page: 'home', expiresAt: now + 1 });
      expect(deleted?.after).toBeNull();
    }
  });
});
