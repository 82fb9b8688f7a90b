import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { changeCreatedAt, kinesisCopyLag } from '../../../bench/kinesisCopyLag';
import { awsClientConfig } from '../serviceEnv';

/** A change in DynamoDB's Kinesis format, created at `createdAt` (ms). */
function change(createdAt: number, id: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      awsRegion: 'us-east-1',
      eventName: 'INSERT',
      dynamodb: { ApproximateCreationDateTime: createdAt, Keys: { id: { S: String(id) } } },
      eventSource: 'aws:dynamodb',
    }),
  );
}

describe('kinesisCopyLag (the e2e bench diagnostic), on kinesis-mock', () => {
  const kinesis = new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS'));
  const StreamName = `copy-lag-${randomUUID()}`;

  afterAll(async () => {
    await kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
    kinesis.destroy();
  });

  it('reads each change of the span as its arrival less its creation, and leaves out changes made outside it', async () => {
    // Prepare
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    await vi.waitFor(
      async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
        expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      },
      { timeout: 10_000, interval: 100 },
    );
    const from = Date.now() - 10_000;
    const to = Date.now();

    // Act: three changes made 5 s before they are put, one made before the span.
    const putAt = Date.now();
    for (const [id, createdAt] of [
      [1, to - 5_000],
      [2, to - 5_000],
      [3, to - 5_000],
      [4, from - 60_000],
    ] as const) {
      await kinesis.send(
        new PutRecordCommand({ StreamName, PartitionKey: `pk-${id}`, Data: change(createdAt, id) }),
      );
    }
    const lag = await kinesisCopyLag(kinesis, StreamName, from, to);

    // Assess
    expect(lag?.changes).toBe(3);
    expect(lag?.p50).toBeGreaterThanOrEqual(putAt - (to - 5_000) - 1_000);
    expect(lag?.max).toBeLessThan(Date.now() - (to - 5_000) + 1_000);
  });

  it('reads the creation time in milliseconds, scales one in seconds, and refuses what is not a change', () => {
    expect(changeCreatedAt(change(1_796_000_000_123, 1))).toBe(1_796_000_000_123);
    expect(changeCreatedAt(change(1_796_000_000, 1))).toBe(1_796_000_000_000);
    expect(changeCreatedAt(Buffer.from('not json'))).toBeUndefined();
    expect(changeCreatedAt(Buffer.from('{}'))).toBeUndefined();
  });
});
