import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoSinkConfig, SinkTableConfig } from '../../../config/types';
import { Logger } from '../../../lambdas/core/Logger';
import { markReplay } from '../../../lambdas/core/replayEvent';
import type { KafkaBatchResponse } from '../../../lambdas/core/types';
import { mskEvent } from '../../../local/events/mskEvents';
import { replayFailures } from '../../../local/replay/replayFailures';
import type { ReplayOptions, ReplayTarget } from '../../../local/replay/types';
import { OnFailureDestination } from '../../../local/runtime/pollers/OnFailureDestination';
import { kafkaInvocationRecord } from '../../../local/runtime/pollers/onFailureRecord';
import {
  createSinkTable,
  deleteTables,
  dynamoClient,
  scanItems,
  sinkHandler,
} from '../dynamo/dynamoSinkFixture';
import { SqsDeadLetterQueue } from '../helpers/sqsDeadLetterQueue';
import { awsClientConfig, integrationEnv } from '../serviceEnv';

/**
 * `streambridge replay` through the DynamoDB sink on moto (DynamoDB, S3, SQS): an aggregate mapping misses
 * a batch (it went to the failure-record bucket) and dead-letters a record; replays add each owed record
 * once and a second replay changes nothing; an item written before the ledger existed cannot tell, so its
 * failure record is kept and reported not replayable.
 */
describe('replay of failure records through the DynamoDB sink (aggregate mode)', () => {
  const topic = 'clicks';
  const functionName = 'app-kafka-to-dynamodb';
  const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`;
  const table: SinkTableConfig = {
    name: `replay-views-${randomUUID().slice(0, 8)}`,
    partitionKey: { name: 'pk', type: 'S' },
  };
  /** `quantity` summed; the fixed config (after the poison's cause is fixed) sums `qty` instead. */
  const config = (field: string): DynamoSinkConfig => ({
    consumerGroup: 'replay-test',
    tables: [table],
    mappings: [
      {
        name: 'page-views',
        topic,
        mode: 'aggregate',
        table: table.name,
        partitionKey: { name: 'pk', template: 'page#{page}' },
        metrics: [
          { name: 'views', op: 'count' },
          { name: 'quantity', op: 'sum', field },
        ],
      },
    ],
  });
  const client = dynamoClient();
  const bucket = `replay-dynamo-${randomUUID()}`;
  const quiet = new Logger('replay-test', { level: 'ERROR' });
  let dlq: SqsDeadLetterQueue;
  let s3: S3Client;
  let sqs: SQSClient;
  let handler: ReturnType<typeof sinkHandler>['handler'];

  /** Offsets `from..to` on page p{offset % 2} (or `page`), quantity 1; the one at `poison` has quantity "abc". */
  const batch = (from: number, to: number, options: { poison?: number; page?: string } = {}): MSKEvent =>
    mskEvent(
      Array.from({ length: to - from + 1 }, (_, i) => ({
        topic,
        offset: from + i,
        value: {
          page: options.page ?? `p${(from + i) % 2}`,
          quantity: from + i === options.poison ? 'abc' : 1,
        },
      })),
    );
  const toBucket = async (event: MSKEvent) => {
    const records = (event.records[`${topic}-0`] ?? []).map((r) => ({
      position: String(r.offset),
      arrivalMs: r.timestamp,
      sizeBytes: 10,
    }));
    const discarded = { records, condition: 'RecordAgeExceeded', invokeCount: 3 } as const;
    await new OnFailureDestination({ s3, bucketName: bucket, logger: quiet, mappingId: 'ViewsMapping' }).send(
      {
        invocationRecord: kafkaInvocationRecord(discarded as never, {
          topicPartition: `${topic}-0`,
          eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1',
          bootstrapServers: '127.0.0.1:9092',
          functionArn,
        }),
        shardId: `${topic}-0`,
        event,
      },
    );
  };
  const views = async () =>
    Object.fromEntries(
      (await scanItems(client, table.name)).map((item) => [item.pk, [item.views, item.quantity ?? 0]]),
    );
  const target: ReplayTarget = {
    functions: async () => [{ name: functionName, arn: functionArn, deadLetterQueueUrl: dlq.queueUrl }],
    invoke: async (_name, event) => ({ ok: true, payload: await handler(event as MSKEvent) }),
    close: async () => undefined,
  };
  const replay = (extra: Partial<ReplayOptions> = {}) =>
    replayFailures(
      { source: 'both', target: 'local', dryRun: false, buckets: [bucket], queues: [], ...extra },
      target,
      { s3, sqs },
    );
  const objects = async () => (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [];

  beforeAll(async () => {
    const env = integrationEnv();
    s3 = new S3Client({
      ...awsClientConfig(env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL_DYNAMODB'),
      forcePathStyle: true,
    });
    sqs = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
    dlq = await SqsDeadLetterQueue.create('replay-dynamo', 'kafka-to-dynamodb');
    await Promise.all([s3.send(new CreateBucketCommand({ Bucket: bucket })), createSinkTable(client, table)]);
    handler = sinkHandler({ config: config('quantity'), client, deadLetters: dlq.queue }).handler;
  });

  afterAll(async () => {
    for (const object of await objects().catch(() => [])) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await deleteTables(client, [table.name]).catch(() => undefined);
    await dlq?.delete();
    client.destroy();
    s3?.destroy();
    sqs?.destroy();
  });

  it('adds a missed batch and a fixed dead letter once, and a second replay changes nothing', async () => {
    // Prepare: 0..4 applied; 5..9 given up on (in S3); 10..14 applied with 12 dead-lettered.
    expect((await handler(batch(0, 4))).batchItemFailures).toEqual([]);
    const missed = batch(5, 9);
    await toBucket(missed);
    expect((await handler(batch(10, 14, { poison: 12 }))).batchItemFailures).toEqual([]);
    // p0: {0,2,4,10,14}, p1: {1,3,11,13}.
    expect(await views()).toEqual({ 'page#p0': [5, 5], 'page#p1': [4, 4] });

    // Act 1: replay before the poison's cause is fixed.
    const first = await replay();
    // Assess 1: the batch added (p0 +{6,8}, p1 +{5,7,9}) and its object deleted; the dead letter stays.
    expect(first.map((r) => [r.source, r.status, r.applied, r.skipped])).toEqual([
      ['s3', 'replayed', 5, 0],
      ['dlq', 'failed', 0, 0],
    ]);
    expect(first[1]?.reasons?.[0]).toContain('not a number');
    expect(await views()).toEqual({ 'page#p0': [7, 7], 'page#p1': [7, 7] });
    expect(await objects()).toHaveLength(0);

    // Act 2: the cause fixed (the mapping sums `qty` now), replay again.
    handler = sinkHandler({ config: config('qty'), client, deadLetters: dlq.queue }).handler;
    const second = await replay();
    // Assess 2: offset 12 counted once (its quantity was never a number).
    expect(second.map((r) => [r.source, r.status, r.applied])).toEqual([['dlq', 'replayed', 1]]);
    expect(await views()).toEqual({ 'page#p0': [8, 7], 'page#p1': [7, 7] });

    // Act 3: nothing is left; the missed batch invoked again as a replay adds nothing.
    const third = await replay();
    const again = (await handler(markReplay(missed, { source: 's3', id: 'again' }))) as KafkaBatchResponse;
    // Assess 3: 0 lost (15 views = 8 + 7), 0 double-applied.
    expect(third).toEqual([]);
    expect(again.replay).toEqual({ applied: 0, skipped: 5, failed: [] });
    expect(await views()).toEqual({ 'page#p0': [8, 7], 'page#p1': [7, 7] });
  });

  it('keeps the failure record of an item written before the ledger existed, reported not replayable', async () => {
    // Prepare: page p9's item has a watermark at 20 but no covered runs; 15..16 of p9 are in S3.
    await client.send(
      new PutItemCommand({
        TableName: table.name,
        Item: { pk: { S: 'page#p9' }, views: { N: '3' }, [`sb_wm#page-views#${topic}#0`]: { N: '20' } },
      }),
    );
    await toBucket(batch(15, 16, { page: 'p9' }));
    // Act
    const results = await replay({ source: 's3' });
    // Assess: skipped as unverifiable, kept, nothing added.
    expect(results.map((r) => [r.status, r.applied, r.skipped])).toEqual([['not-replayable', 0, 2]]);
    expect(results[0]?.reasons?.[0]).toContain('not replayable by this sink yet');
    expect(await objects()).toHaveLength(1);
    expect((await views())['page#p9']).toEqual([3, 0]);
  });

  it('bounds the ledger: past 32 runs the oldest are dropped and the floor rises; a recent gap still replays once', async () => {
    // Prepare: 40 batches of page p5, two offsets each, one offset missed between each (100-101, 103-104, ...).
    const own = sinkHandler({ config: config('quantity'), client, deadLetters: dlq.queue }).handler;
    for (let k = 0; k < 40; k++) {
      expect((await own(batch(100 + 3 * k, 101 + 3 * k, { page: 'p5' }))).batchItemFailures).toEqual([]);
    }
    const single = (offset: number) =>
      markReplay(batch(offset, offset, { page: 'p5' }), { source: 's3', id: `gap-${offset}` });
    // Act: replay a recent gap (216, below the watermark 218) twice, and the oldest gap (102).
    const recent = (await own(single(216))) as KafkaBatchResponse;
    const recentAgain = (await own(single(216))) as KafkaBatchResponse;
    const oldest = (await own(single(102))) as KafkaBatchResponse;
    // Assess: 33 runs compacted to the 16 newest (floor 149, the end of the 17th), 7 appended since, and
    // the claimed 216 joined 214-215 and 217-218 into one run.
    const item = (await scanItems(client, table.name)).find((i) => i.pk === 'page#p5') ?? {};
    expect((item[`sb_cov#page-views#${topic}#0`] as string[]).length).toBe(22);
    expect(item[`sb_cov#page-views#${topic}#0`]).toContain('214-218');
    expect(item[`sb_floor#page-views#${topic}#0`]).toBe(149);
    expect(recent.replay).toEqual({ applied: 1, skipped: 0, failed: [] });
    expect(recentAgain.replay).toEqual({ applied: 0, skipped: 1, failed: [] });
    expect(oldest.replay).toEqual({ applied: 0, skipped: 1, notReplayable: 1, failed: [] });
    expect((await views())['page#p5']).toEqual([81, 81]);
  });
});
