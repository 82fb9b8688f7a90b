import { expect, it, vi } from 'vitest';
import { ranConcurrently } from './conformanceHarness';
import { defineConformanceSuite, failureMessages } from './streamConformanceSuite';

/** How long each invocation of the parallelism cases takes: long enough that overlapping starts prove concurrency on a loaded machine. */
const SLEEP_MS = 2_000;

defineConformanceSuite(
  'kinesis',
  [
    { id: 'Shape', source: 'kinesis' },
    { id: 'Parallel', source: 'kinesis', parallelizationFactor: 4, batchSize: 1 },
    { id: 'Timeout', source: 'kinesis', timeoutSeconds: 1, retryAttempts: 0, batchSize: 1, onFailure: 'sqs' },
  ],
  (conformance) => {
    it('delivers Kinesis events as Lambda does', async () => {
      // Prepare
      const c = conformance();
      await c.run(['Shape']);
      const mapping = c.mapping('Shape');

      // Act
      await c.put('Shape', [{ id: 's1', key: 'customer-1' }]);

      // Assess
      await vi.waitFor(() => expect(c.seen('Shape')).toEqual(['s1']), { timeout: 20_000, interval: 100 });
      const event = c.observations('Shape')[0]?.event as { Records: Record<string, unknown>[] };
      const [record] = event.Records;
      const kinesis = record?.kinesis as Record<string, unknown>;
      expect(record).toEqual({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'customer-1',
          sequenceNumber: expect.stringMatching(/^\d+$/),
          data: Buffer.from(JSON.stringify({ id: 's1' })).toString('base64'),
          approximateArrivalTimestamp: expect.any(Number),
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${kinesis.sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\//),
        awsRegion: 'us-east-1',
        eventSourceARN: mapping.sourceArn,
      });
      expect(Math.abs((kinesis.approximateArrivalTimestamp as number) * 1000 - Date.now())).toBeLessThan(
        60_000,
      );
    });

    it('runs ParallelizationFactor batches of a shard at once and keeps each partition key in order', async () => {
      // Prepare: 4 partition keys × 3 records; each invocation takes SLEEP_MS.
      const c = conformance();
      await c.run(['Parallel']);
      const keys = ['alpha', 'bravo', 'charlie', 'delta'];
      const records = [1, 2, 3].flatMap((n) =>
        keys.map((key) => ({ id: `${key}:${n}`, key, cmd: { sleepMs: SLEEP_MS } })),
      );

      // Act
      await c.put('Parallel', records);

      // Assess
      await vi.waitFor(() => expect(c.seen('Parallel')).toHaveLength(12), { timeout: 30_000, interval: 100 });
      for (const key of keys) {
        expect(c.seen('Parallel').filter((id) => id.startsWith(`${key}:`))).toEqual([
          `${key}:1`,
          `${key}:2`,
          `${key}:3`,
        ]);
      }
      expect(ranConcurrently(c.observations('Parallel'), SLEEP_MS)).toBe(true);
    });

    it('counts a handler killed at its timeout as a failed invocation and goes on in a new process', async () => {
      // Prepare
      const c = conformance();
      const { logs } = await c.run(['Timeout']);

      // Act
      await c.put('Timeout', [{ id: 'slow', cmd: { sleepMs: 5_000 } }, { id: 'next' }]);

      // Assess
      const [message] = await failureMessages(c, 'Timeout');
      await vi.waitFor(() => expect(c.seen('Timeout')).toEqual(['slow', 'next']), {
        timeout: 20_000,
        interval: 100,
      });
      expect(message).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
        responseContext: { functionError: 'Unhandled' },
        KinesisBatchInfo: { batchSize: 1 },
      });
      const [slow, next] = c.observations('Timeout');
      expect(next?.pid).not.toBe(slow?.pid);
      expect(logs).toContainEqual(expect.objectContaining({ message: 'cold start', after: 'timeout' }));
    });
  },
);
