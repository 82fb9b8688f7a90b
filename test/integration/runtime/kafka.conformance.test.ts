import { expect, it, vi } from 'vitest';
import { ranConcurrently } from './conformanceHarness';
import { defineConformanceSuite, positionsSeen } from './streamConformanceSuite';

/** How long each invocation of the parallelism cases takes: long enough that overlapping starts prove concurrency on a loaded machine. */
const SLEEP_MS = 2_000;

const waitFor = (assertion: () => void, timeout = 20_000) =>
  vi.waitFor(assertion, { timeout, interval: 100 });

defineConformanceSuite(
  'kafka',
  [
    { id: 'Shape', source: 'kafka' },
    { id: 'Commit', source: 'kafka', batchSize: 1, maxBatchingWindowSeconds: 0 },
    { id: 'Partitions', source: 'kafka', partitions: 2, batchSize: 1, maxBatchingWindowSeconds: 0 },
    { id: 'Rebalance', source: 'kafka', partitions: 2, batchSize: 2, maxBatchingWindowSeconds: 0 },
  ],
  (conformance) => {
    it('delivers MSK events as Lambda does: records by topic-partition, base64 key and value, byte-array headers', async () => {
      // Prepare
      const c = conformance();
      await c.run(['Shape']);
      const topic = c.names('Shape').source;

      // Act
      await c.put('Shape', [{ id: 'm1', key: 'customer-1', headers: { origin: 'test' } }]);

      // Assess
      await waitFor(() => expect(c.seen('Shape')).toEqual(['m1']));
      expect(c.observations('Shape')[0]?.event).toEqual({
        eventSource: 'aws:kafka',
        eventSourceArn: expect.stringMatching(/^arn:aws:kafka:us-east-1:\d{12}:cluster\//),
        bootstrapServers: c.kafkaBrokers.join(','),
        records: {
          [`${topic}-0`]: [
            {
              topic,
              partition: 0,
              offset: 0,
              timestamp: expect.any(Number),
              timestampType: 'CREATE_TIME',
              key: Buffer.from('customer-1').toString('base64'),
              value: Buffer.from(JSON.stringify({ id: 'm1' })).toString('base64'),
              headers: [{ origin: [...Buffer.from('test')] }],
            },
          ],
        },
      });
    });

    it('commits an offset only after its record was processed, so a restart redelivers the failing record', async () => {
      // Prepare: c2 keeps failing (unbounded retries).
      const c = conformance();
      await c.run(['Commit']);
      await c.put('Commit', [{ id: 'c1' }, { id: 'c2', cmd: { fail: true } }, { id: 'c3' }]);
      await waitFor(() =>
        expect(c.seen('Commit').filter((id) => id === 'c2').length).toBeGreaterThanOrEqual(2),
      );
      const c2Offset = positionsSeen(c.observations('Commit').find((o) => o.ids[0] === 'c2')).c2;

      // Act
      await c.stopRuntimes();
      const seenBeforeRestart = c.observations('Commit').length;
      const admin = c.kafkaAdmin();
      await admin.connect();
      const [committed] = await admin.fetchOffsets({
        groupId: c.names('Commit').consumerGroup,
        topics: [c.names('Commit').source],
      });
      await admin.disconnect();
      await c.run(['Commit']);

      // Assess: the group's offset points at c2, and the new consumer starts there.
      expect(committed?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: c2Offset })]);
      expect(c.seen('Commit')).not.toContain('c3');
      await waitFor(() => expect(c.observations('Commit').length).toBeGreaterThan(seenBeforeRestart));
      expect(c.observations('Commit')[seenBeforeRestart]?.ids).toEqual(['c2']);
    });

    it('runs the partitions of a topic in parallel, each partition in offset order', async () => {
      // Prepare
      const c = conformance();
      await c.run(['Partitions']);
      const keys = ['alpha', 'bravo', 'charlie', 'delta'];
      const records = [1, 2, 3].flatMap((n) =>
        keys.map((key) => ({ id: `${key}:${n}`, key, cmd: { sleepMs: SLEEP_MS } })),
      );

      // Act
      await c.put('Partitions', records);

      // Assess
      await waitFor(() => expect(c.seen('Partitions')).toHaveLength(12), 30_000);
      for (const key of keys) {
        expect(c.seen('Partitions').filter((id) => id.startsWith(`${key}:`))).toEqual([
          `${key}:1`,
          `${key}:2`,
          `${key}:3`,
        ]);
      }
      expect(ranConcurrently(c.observations('Partitions'), SLEEP_MS)).toBe(true);
    });

    it('keeps consuming through a rebalance when a second runtime joins the consumer group', async () => {
      // Prepare: one runtime working through a backlog.
      const c = conformance();
      const topic = c.names('Rebalance').source;
      const groupId = c.names('Rebalance').consumerGroup;
      await c.run(['Rebalance']);
      const first = Array.from({ length: 12 }, (_, i) => ({
        id: `e${i}`,
        key: `k${i % 4}`,
        cmd: { sleepMs: 100 },
      }));
      await c.put('Rebalance', first);
      await waitFor(() => expect(c.seen('Rebalance').length).toBeGreaterThanOrEqual(2));

      // Act: a second member joins the group (the partitions are split between them), more records arrive.
      const { runtime: joiner } = await c.run(['Rebalance']);
      const second = Array.from({ length: 8 }, (_, i) => ({ id: `l${i}`, key: `k${i % 4}` }));
      await c.put('Rebalance', second);

      // Assess: the joiner got a partition, every record was processed at least once, every offset committed.
      const ids = [...first, ...second].map((record) => record.id);
      await waitFor(() => expect(new Set(c.seen('Rebalance'))).toEqual(new Set(ids)), 40_000);
      expect(joiner.function(c.fn('Rebalance').functionName).environments.length).toBeGreaterThan(0);
      const admin = c.kafkaAdmin();
      await admin.connect();
      try {
        const ends = await admin.fetchTopicOffsets(topic);
        await waitFor(async () => {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const offsets = Object.fromEntries(
            (committed?.partitions ?? []).map((p) => [p.partition, p.offset]),
          );
          expect(offsets).toEqual(Object.fromEntries(ends.map((end) => [end.partition, end.offset])));
        });
      } finally {
        await admin.disconnect();
      }
    });
  },
);
