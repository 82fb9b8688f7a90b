import { expect, it, vi } from 'vitest';
import { ranConcurrently } from './conformanceHarness';
import { defineConformanceSuite } from './streamConformanceSuite';

/** How long each invocation of the parallelism cases takes: long enough that overlapping starts prove concurrency on a loaded machine. */
const SLEEP_MS = 2_000;

defineConformanceSuite(
  'dynamodb',
  [
    { id: 'Shape', source: 'dynamodb' },
    { id: 'Parallel', source: 'dynamodb', parallelizationFactor: 4, batchSize: 1 },
    { id: 'Crash', source: 'dynamodb', batchSize: 1 },
  ],
  (conformance) => {
    it('delivers DynamoDB stream events as Lambda does', async () => {
      // Prepare
      const c = conformance();
      await c.run(['Shape']);
      const { sourceArn } = c.mapping('Shape');

      // Act: an insert, then an update of the same item.
      await c.put('Shape', [{ id: 'item', extra: { v: '1' } }]);
      await c.put('Shape', [{ id: 'item', extra: { v: '2' } }]);

      // Assess
      await vi.waitFor(() => expect(c.seen('Shape')).toEqual(['item:1', 'item:2']), {
        timeout: 20_000,
        interval: 100,
      });
      const records = c
        .observations('Shape')
        .flatMap((o) => (o.event as { Records: Record<string, unknown>[] }).Records);
      const created = expect.any(Number);
      expect(records[0]).toEqual({
        eventID: expect.any(String),
        eventName: 'INSERT',
        eventVersion: expect.any(String),
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: created,
          Keys: { id: { S: 'item' } },
          NewImage: { id: { S: 'item' }, v: { S: '1' } },
          SequenceNumber: expect.stringMatching(/^\d+$/),
          SizeBytes: expect.any(Number),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: sourceArn,
      });
      expect(records[1]).toMatchObject({
        eventName: 'MODIFY',
        dynamodb: {
          OldImage: { id: { S: 'item' }, v: { S: '1' } },
          NewImage: { id: { S: 'item' }, v: { S: '2' } },
        },
      });
      const stream = records[0]?.dynamodb as { ApproximateCreationDateTime: number } | undefined;
      const seconds = stream?.ApproximateCreationDateTime ?? Number.NaN;
      expect(Number.isInteger(seconds)).toBe(true);
      expect(Math.abs(seconds * 1000 - Date.now())).toBeLessThan(60_000);
    });

    it('runs ParallelizationFactor batches of the shard at once and keeps each item in order', async () => {
      // Prepare: 4 items written 3 times each; each invocation takes SLEEP_MS.
      const c = conformance();
      await c.run(['Parallel']);
      const items = ['alpha', 'bravo', 'charlie', 'delta'];

      // Act
      for (const v of ['1', '2', '3']) {
        await c.put(
          'Parallel',
          items.map((id) => ({ id, extra: { v }, cmd: { sleepMs: SLEEP_MS } })),
        );
      }

      // Assess
      await vi.waitFor(() => expect(c.seen('Parallel')).toHaveLength(12), { timeout: 30_000, interval: 100 });
      for (const item of items) {
        expect(c.seen('Parallel').filter((id) => id.startsWith(`${item}:`))).toEqual([
          `${item}:1`,
          `${item}:2`,
          `${item}:3`,
        ]);
      }
      expect(ranConcurrently(c.observations('Parallel'), SLEEP_MS)).toBe(true);
    });

    it('retries a batch whose process crashed in a fresh process, a cold start logged as such', async () => {
      // Prepare
      const c = conformance();
      const { logs } = await c.run(['Crash']);

      // Act: the first delivery of this record kills the process.
      await c.put('Crash', [{ id: 'crasher', cmd: { crashOnce: true } }, { id: 'after' }]);

      // Assess
      await vi.waitFor(() => expect(c.seen('Crash')).toEqual(['crasher', 'crasher', 'after']), {
        timeout: 20_000,
        interval: 100,
      });
      const [crashed, retried, after] = c.observations('Crash');
      expect(retried?.pid).not.toBe(crashed?.pid);
      expect(after?.pid).toBe(retried?.pid);
      expect(logs).toContainEqual(
        expect.objectContaining({ message: 'execution environment crashed during an invocation' }),
      );
      expect(logs).toContainEqual(
        expect.objectContaining({ message: 'cold start', after: 'crash (exit status 1)' }),
      );
    });
  },
);
