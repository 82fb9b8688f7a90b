import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { MSKEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import { markReplay } from '../../../lambdas/core/replayEvent';
import type { KafkaBatchResponse } from '../../../lambdas/core/types';
import { createRedisSinkHandler } from '../../../lambdas/kafka-to-redis/createRedisSinkHandler';
import { mskEvent } from '../../../local/events/mskEvents';
import { replayFailures } from '../../../local/replay/replayFailures';
import type { ReplayOptions, ReplayTarget } from '../../../local/replay/types';
import { OnFailureDestination } from '../../../local/runtime/pollers/OnFailureDestination';
import { kafkaInvocationRecord } from '../../../local/runtime/pollers/onFailureRecord';
import { SqsDeadLetterQueue } from '../helpers/sqsDeadLetterQueue';
import type { PrivateRedis } from '../redis/privateRedis';
import { startPrivateRedis } from '../redis/privateRedis';
import { pollUntil } from '../redis/redisSinkFixture';
import { awsClientConfig, integrationEnv } from '../serviceEnv';

/**
 * `streambridge replay` end to end on real servers (a private redis-server, moto's S3 and SQS), with the
 * Redis sink's handler as the invoked function: a batch that failed while Redis was down lands in the
 * failure-record bucket, later batches move the watermark past it, and a refused write is dead-lettered;
 * replays then apply each owed record once, keep what still fails, and a second replay changes nothing.
 */
describe('replay of failure records through the Redis sink', () => {
  const topic = 'clicks';
  const functionName = 'app-kafka-to-redis';
  const config: RedisSinkConfig = {
    consumerGroup: 'replay-test',
    mappings: [{ name: 'clicks', topic, operation: 'counter', key: 'n:{n}' }],
  };
  let server: PrivateRedis;
  let redis: Redis;
  let sinkRedis: Redis;
  let dlq: SqsDeadLetterQueue;
  let s3: S3Client;
  let sqs: SQSClient;
  let handler: ReturnType<typeof createRedisSinkHandler>;
  const bucket = `replay-${randomUUID()}`;
  const quiet = new Logger('replay-test', { level: 'ERROR' });

  /** Records `from..to` of the topic; the event at `refused` counts key `n:x` (a hash: Redis refuses it). */
  const batch = (from: number, to: number, refused?: number): MSKEvent =>
    mskEvent(
      Array.from({ length: to - from + 1 }, (_, i) => ({
        topic,
        offset: from + i,
        value: { n: from + i === refused ? 'x' : String((from + i) % 3) },
      })),
    );
  const counts = async () => {
    const [a, b, c, x] = await redis.mget('n:0', 'n:1', 'n:2', 'n:x');
    return { n0: Number(a), n1: Number(b), n2: Number(c), nx: x };
  };
  const target: ReplayTarget = {
    functions: async () => [
      {
        name: functionName,
        arn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
        deadLetterQueueUrl: dlq.queueUrl,
      },
    ],
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
    server = await startPrivateRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    dlq = await SqsDeadLetterQueue.create('replay', 'kafka-to-redis');
    const env = integrationEnv();
    s3 = new S3Client({
      ...awsClientConfig(env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL_DYNAMODB'),
      forcePathStyle: true,
    });
    sqs = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // Fails fast while the server is down (no offline queue) and reconnects by itself once it is back.
    sinkRedis = new Redis(server.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => 50,
    });
    sinkRedis.on('error', () => undefined);
    await sinkRedis.connect();
    handler = createRedisSinkHandler({
      config,
      redis: sinkRedis,
      cluster: false,
      deadLetters: dlq.queue,
      logger: quiet,
      metrics: new Metrics('replay-test', { write: () => undefined }),
    });
  });

  afterAll(async () => {
    redis?.disconnect();
    sinkRedis?.disconnect();
    await server?.dispose();
    await dlq?.delete();
    await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    s3?.destroy();
    sqs?.destroy();
  });

  it('applies a failed batch and a fixed dead letter once, keeps what still fails, and a second replay changes nothing', async () => {
    // Prepare: 0..4 applied; 5..9 fail while Redis is down and go to S3 (the record age passed); Redis
    // back, 10..14 applied with offset 12 refused (n:x is a hash) and dead-lettered.
    expect((await handler(batch(0, 4))).batchItemFailures).toEqual([]);
    await server.stop({ keepData: true });
    const failed = batch(5, 9);
    expect((await handler(failed)).batchItemFailures).toHaveLength(1);
    const records = (failed.records[`${topic}-0`] ?? []).map((r) => ({
      position: String(r.offset),
      arrivalMs: r.timestamp,
      sizeBytes: 10,
    }));
    const discarded = { records, condition: 'RecordAgeExceeded', invokeCount: 3 } as const;
    await new OnFailureDestination({
      s3,
      bucketName: bucket,
      logger: quiet,
      mappingId: 'ClicksMapping',
    }).send({
      invocationRecord: kafkaInvocationRecord(discarded as never, {
        topicPartition: `${topic}-0`,
        eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1',
        bootstrapServers: '127.0.0.1:9092',
        functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
      }),
      shardId: `${topic}-0`,
      event: failed,
    });
    await server.start();
    expect(await pollUntil(async () => sinkRedis.status === 'ready', 10_000)).toBe(true);
    await redis.hset('n:x', 'f', '1');
    expect((await handler(batch(10, 14, 12))).batchItemFailures).toEqual([]);
    // Offsets 0..4 and 10..14 but 12: n:0 = {0,3,9,12}→{0,3}, n:1 = {1,4,10,13}, n:2 = {2,11,14}.
    expect(await counts()).toMatchObject({ n0: 2, n1: 4, n2: 3 });
    expect(await objects()).toHaveLength(1);

    // Act 1: a dry run lists both failure records and changes nothing.
    const dry = await replay({ dryRun: true });
    // Assess 1
    expect(dry.map((r) => [r.source, r.status, r.records])).toEqual([
      ['s3', 'would-replay', 5],
      ['dlq', 'would-replay', 1],
    ]);
    expect(await counts()).toMatchObject({ n0: 2, n1: 4, n2: 3 });

    // Act 2: replay before the refused write's cause is fixed.
    const first = await replay();
    // Assess 2: the batch applied (5..9: n:0 +{6,9}, n:1 +{7}, n:2 +{5,8}) and its object deleted; the dead
    // letter still fails and stays.
    expect(first.map((r) => [r.source, r.status, r.applied, r.skipped])).toEqual([
      ['s3', 'replayed', 5, 0],
      ['dlq', 'failed', 0, 0],
    ]);
    expect(first[1]?.reasons?.[0]).toContain('WRONGTYPE');
    expect(await counts()).toMatchObject({ n0: 4, n1: 5, n2: 5 });
    expect(await objects()).toHaveLength(0);

    // Act 3: the cause fixed (n:x was a hash), replay again.
    await redis.del('n:x');
    const second = await replay();
    // Assess 3: the dead letter applies once and is deleted.
    expect(second.map((r) => [r.source, r.status, r.applied])).toEqual([['dlq', 'replayed', 1]]);
    expect(await counts()).toEqual({ n0: 4, n1: 5, n2: 5, nx: '1' });

    // Act 4: nothing is left to replay; the same failed batch invoked again as a replay applies nothing.
    const third = await replay();
    const again = (await handler(markReplay(failed, { source: 's3', id: 'again' }))) as KafkaBatchResponse;
    // Assess 4: 0 lost (every offset 0..14 counted once: 15 = 4 + 5 + 5 + 1), 0 double-applied.
    expect(third).toEqual([]);
    expect(again.replay).toEqual({ applied: 0, skipped: 5, failed: [] });
    expect(await counts()).toEqual({ n0: 4, n1: 5, n2: 5, nx: '1' });
    expect(await redis.zrange('sb:owed:replay-test:clicks:0', 0, -1)).toEqual([]);
  });
});
