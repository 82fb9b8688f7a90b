import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { awsClientConfig } from '../serviceEnv';

describe('local Kinesis (kinesis-mock)', () => {
  const kinesis = new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS'));
  const StreamName = `smoke-${randomUUID()}`;

  afterAll(async () => {
    await kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
    kinesis.destroy();
  });

  it('returns records put on an ACTIVE stream (PutRecords + GetRecords round trip)', async () => {
    // Prepare
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await vi.waitFor(
      async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
        expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      },
      { timeout: 10_000, interval: 100 },
    );
    const payloads = ['one', 'two'].map((text) => Buffer.from(text));

    // Act
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName,
        Records: payloads.map((Data) => ({ Data, PartitionKey: 'pk-1' })),
      }),
    );

    // Assess
    expect(put.FailedRecordCount).toBe(0);
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName }));
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: Shards?.[0]?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records?.map((record) => Buffer.from(record.Data ?? []).toString())).toEqual(['one', 'two']);
    expect(Records?.map((record) => record.PartitionKey)).toEqual(['pk-1', 'pk-1']);
  });
});
