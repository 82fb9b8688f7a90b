/**
 * The kinesis-mock warm-up that `services up` runs after starting kinesis-mock: it puts and reads back the
 * records it was asked for on a scratch stream, and leaves no stream behind. Runs on the shared kinesis-mock.
 */
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { warmKinesis } from '../../../local/services/kinesis/warmKinesis';
import { awsClientConfig } from '../serviceEnv';

async function warmUpStreams(kinesis: KinesisClient): Promise<string[]> {
  const names: string[] = [];
  let ExclusiveStartStreamName: string | undefined;
  for (let page = 0; page < 100; page++) {
    const { StreamNames = [], HasMoreStreams } = await kinesis.send(
      new ListStreamsCommand({ ExclusiveStartStreamName, Limit: 100 }),
    );
    names.push(...StreamNames.filter((name) => name.startsWith(`streambridge-warm-up-${process.pid}-`)));
    if (!HasMoreStreams || StreamNames.length === 0) return names;
    ExclusiveStartStreamName = StreamNames[StreamNames.length - 1];
  }
  throw new Error('ListStreams did not end within 100 pages');
}

describe('warmKinesis', () => {
  const kinesis = new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS'));

  afterAll(() => {
    kinesis.destroy();
  });

  it('puts the records asked for, reads them back after each hundred, and deletes its scratch stream', async () => {
    // Act
    const warmed = await warmKinesis(kinesis, { puts: 250, concurrency: 4 });

    // Assess: three rounds (100, 100, 50), each read back at least once.
    expect(warmed.puts).toBe(250);
    expect(warmed.reads).toBeGreaterThanOrEqual(3);
    // kinesis-mock deletes a stream a moment after DeleteStream answers.
    await vi.waitFor(async () => expect(await warmUpStreams(kinesis)).toEqual([]), {
      timeout: 10_000,
      interval: 200,
    });
  });
});
