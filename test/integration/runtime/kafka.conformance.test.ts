import { expect, it, vi } from 'vitest';
import { type Conformance, type Observation, ranConcurrently } from './conformanceHarness';
import { defineConformanceSuite, positionsSeen } from './streamConformanceSuite';

/** How long each invocation of the parallelism cases takes: long enough that overlapping starts prove concurrency on a loaded machine. */
const SLEEP_MS = 2_000;

const waitFor = (assertion: () => void | Promise<void>, timeout = 20_000) =>
  vi.waitFor(assertion, { timeout, interval: 100 });

/** The ids an invocation carried, by `topic-partition`, in the order of the event. */
function idsByPartition(observation: Observation | undefined): Record<string, string[]> {
  const records = (observation?.event.records ?? {}) as Record<string, { value: string }[]>;
  return Object.fromEntries(
    Object.entries(records).map(([topicPartition, list]) => [
      topicPartition,
      list.map(
        (record) => (JSON.parse(Buffer.from(record.value, 'base64').toString('utf8')) as { id: string }).id,
      ),
    ]),
  );
}

/** Waits until the case's consumer group has committed every partition up to its end. */
async function expectEverythingCommitted(c: Conformance, caseId: string): Promise<void> {
  const { source: topic, consumerGroup: groupId } = c.names(caseId);
  const admin = c.kafkaAdmin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await waitFor(async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const offsets = Object.fromEntries((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
      expect(offsets).toEqual(Object.fromEntries(ends.map((end) => [end.partition, end.offset])));
    });
  } finally {
    await admin.disconnect();
  }
}

/** Eight records whose keys spread over the partitions of a three-partition topic. */
const spread = (prefix: string) =>
  Array.from({ length: 8 }, (_, i) => ({ id: `${prefix}${i}`, key: `spread-${i}` }));

defineConformanceSuite(
  'kafka',
  [
    { id: 'Shape', source: 'kafka' },
    { id: 'Commit', source: 'kafka', batchSize: 1, maxBatchingWindowSeconds: 0 },
    { id: 'Partitions', source: 'kafka', partitions: 2, batchSize: 1, maxBatchingWindowSeconds: 0 },
    { id: 'Rebalance', source: 'kafka', partitions: 2, batchSize: 2, maxBatchingWindowSeconds: 0 },
    {
      id: 'Combined',
      source: 'kafka',
      partitions: 3,
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      reportBatchItemFailures: true,
    },
    {
      id: 'CombinedPartial',
      source: 'kafka',
      partitions: 3,
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      reportBatchItemFailures: true,
    },
    { id: 'Joining', source: 'kafka', partitions: 3, batchSize: 100, maxBatchingWindowSeconds: 3 },
    {
      id: 'CombinedError',
      source: 'kafka',
      partitions: 3,
      batchSize: 100,
      maxBatchingWindowSeconds: 1,
      bisectOnError: false,
      retryAttempts: 5,
    },
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
      await expectEverythingCommitted(c, 'Rebalance');
    });

    it('puts the records of several partitions in one invocation, as Lambda does for Kafka', async () => {
      // Prepare
      const c = conformance();
      const records = spread('c');

      // Act: the records wait in the topic, so the first fetch brings every partition's.
      await c.put('Combined', records);
      await c.run(['Combined']);

      // Assess: one invocation, records grouped by topic-partition, each partition in offset order.
      await waitFor(() => expect(c.seen('Combined')).toHaveLength(records.length));
      const [only] = c.observations('Combined');
      const byPartition = idsByPartition(only);
      expect(c.observations('Combined')).toHaveLength(1);
      expect(Object.keys(byPartition).length).toBeGreaterThanOrEqual(2);
      for (const [topicPartition, ids] of Object.entries(byPartition)) {
        const offsets =
          ((only?.event.records ?? {}) as Record<string, { offset: number }[]>)[topicPartition] ?? [];
        const order = offsets.map((record) => record.offset);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(ids).toHaveLength(offsets.length);
      }
      await expectEverythingCommitted(c, 'Combined');
    });

    it('adds the records that arrive while a batch waits for its window to that batch, from its partition and others', async () => {
      // Prepare: an idle consumer, so the first record is fetched alone as soon as it arrives and opens the
      // batch's 3 s window.
      const c = conformance();
      await c.run(['Joining']);
      const written = Date.now();
      await c.put('Joining', [{ id: 'j0', key: 'spread-0' }]);

      // Act: more records, of the same partition and of others, while the window runs.
      const later = spread('j').slice(1);
      await c.put('Joining', [{ id: 'j0b', key: 'spread-0' }, ...later]);

      // Assess: one invocation carries them all, once the window that began with the first record closed.
      await waitFor(() => expect(c.seen('Joining')).toHaveLength(2 + later.length));
      const [only] = c.observations('Joining');
      expect(c.observations('Joining')).toHaveLength(1);
      const byPartition = idsByPartition(only);
      const first = Object.values(byPartition).find((ids) => ids.includes('j0')) as string[];
      expect(first.indexOf('j0')).toBeLessThan(first.indexOf('j0b'));
      expect(Object.keys(byPartition).length).toBeGreaterThanOrEqual(2);
      expect((only?.at ?? 0) - written).toBeGreaterThanOrEqual(2_700);
      await expectEverythingCommitted(c, 'Joining');
    });

    it('after a partial batch response for a batch of several partitions, retries each partition from its first failed record, and commits the rest', async () => {
      // Prepare: the third record is reported failed once.
      const c = conformance();
      const records = spread('p');
      const failing = records[2]?.id as string;

      // Act
      await c.put(
        'CombinedPartial',
        records.map((record) => (record.id === failing ? { ...record, cmd: { report: 1 } } : record)),
      );
      await c.run(['CombinedPartial']);

      // Assess: the retry carries the failed record and what follows it in its partition, nothing else.
      await waitFor(() => expect(c.observations('CombinedPartial').length).toBeGreaterThanOrEqual(2));
      const [first, retry] = c.observations('CombinedPartial');
      const [failedPartition, ids] = Object.entries(idsByPartition(first)).find(([, list]) =>
        list.includes(failing),
      ) as [string, string[]];
      expect(idsByPartition(retry)).toEqual({ [failedPartition]: ids.slice(ids.indexOf(failing)) });
      await expectEverythingCommitted(c, 'CombinedPartial');
      expect(c.observations('CombinedPartial')).toHaveLength(2);
    });

    it('after a failed invocation of a batch of several partitions, retries each partition on its own until it succeeds', async () => {
      // Prepare: the function's process exits the first time it sees the fourth record (a marker file
      // remembers it in every environment).
      const c = conformance();
      const records = spread('e');
      const failing = records[3]?.id as string;

      // Act
      await c.put(
        'CombinedError',
        records.map((record) => (record.id === failing ? { ...record, cmd: { crashOnce: true } } : record)),
      );
      await c.run(['CombinedError']);

      // Assess: after the failed batch, every partition's records come again once, alone, whole and in order.
      await waitFor(() => {
        expect(Object.keys(idsByPartition(c.observations('CombinedError')[0])).length).toBeGreaterThanOrEqual(
          2,
        );
        expect(c.observations('CombinedError').length).toBeGreaterThanOrEqual(
          1 + Object.keys(idsByPartition(c.observations('CombinedError')[0])).length,
        );
      });
      await expectEverythingCommitted(c, 'CombinedError');
      const [failed, ...retries] = c.observations('CombinedError');
      const expected = idsByPartition(failed);
      expect(retries.map(idsByPartition)).toEqual(
        expect.arrayContaining(Object.entries(expected).map(([tp, ids]) => ({ [tp]: ids }))),
      );
      expect(retries).toHaveLength(Object.keys(expected).length);
    });
  },
);
