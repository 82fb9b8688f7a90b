import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { PoisonFinding } from '../../../lambdas/core/sink/errors';
import { PartitionApplyError, POISON_KINDS, PoisonRecordError } from '../../../lambdas/core/sink/errors';
import type { PartitionEvents, PartitionSink } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { KafkaSinkProcessor } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import type { SinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { mskEvent } from '../../../local/events/mskEvents';

const quiet = { write: () => {} };

function processorWith(sink: PartitionSink, failDeadLetters = false) {
  const letters: DeadLetter[] = [];
  const lines: string[] = [];
  const processor = new KafkaSinkProcessor({
    name: 'test-sink',
    sink,
    deadLetters: {
      send: async (batch) => {
        if (failDeadLetters) throw new Error('queue unavailable');
        letters.push(...batch);
      },
    },
    logger: new Logger('test-sink', quiet),
    metrics: new Metrics('test-sink', { write: (line) => lines.push(line) }),
  });
  return { processor, letters, lines };
}

describe('KafkaSinkProcessor', () => {
  it('applies every partition and reports no failure when all succeed', async () => {
    // Prepare
    const seen: PartitionEvents[] = [];
    const { processor, lines } = processorWith({
      applyPartition: async (b) => {
        seen.push(b);
        return {};
      },
    });
    const event = mskEvent([
      { partition: 0, offset: 5, value: { n: 1 } },
      { partition: 1, offset: 9, value: { n: 2 } },
      { partition: 0, offset: 6, value: { n: 3 } },
    ]);
    // Act
    const response = await processor.process(event);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const p0 = seen.find((b) => b.partition === 0);
    expect(p0?.events.map((e) => e.fields.n)).toEqual([1, 3]);
    expect(p0?.lastOffset).toBe(6);
    const emf = JSON.parse(lines[0] as string);
    expect(emf.RecordsIn).toBe(3);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('Streambridge');
  });

  it("logs each batch's records, topics, partitions and time in one line", async () => {
    // Prepare
    const logged: string[] = [];
    const processor = new KafkaSinkProcessor({
      name: 'test-sink',
      sink: { applyPartition: async () => ({}) },
      deadLetters: { send: async () => {} },
      logger: new Logger('test-sink', { write: (line) => logged.push(line) }),
      metrics: new Metrics('test-sink', quiet),
    });
    const event = mskEvent([
      { partition: 0, offset: 5, value: { n: 1 } },
      { partition: 2, offset: 9, value: { n: 2 } },
    ]);
    // Act
    await processor.process(event);
    // Assess
    const done = logged.map((line) => JSON.parse(line)).find((entry) => entry.message === 'batch done');
    expect(done).toMatchObject({ records: 2, topics: ['events'], partitions: 2, failed: [] });
    expect(done.ms).toBeGreaterThanOrEqual(0);
  });

  it('dead-letters undecodable records with coordinates and goes on', async () => {
    // Prepare
    const { processor, letters } = processorWith({ applyPartition: async () => ({}) });
    const event = mskEvent([
      { offset: 1, value: { ok: true } },
      { offset: 2, value: '{not json' },
      { offset: 3, value: '[1,2]' },
      { offset: 4, value: { ok: true } },
    ]);
    // Act
    const response = await processor.process(event);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(letters.map((l) => [l.errorType, l.coordinates])).toEqual([
      [POISON_KINDS.decode, { source: 'kafka', topic: 'events', partition: 0, offset: 2 }],
      [POISON_KINDS.decode, { source: 'kafka', topic: 'events', partition: 0, offset: 3 }],
    ]);
  });

  it('reports the first failed offset of a partition and nothing else of it', async () => {
    // Prepare
    const { processor } = processorWith({
      applyPartition: async (b) => {
        if (b.partition === 1) throw new PartitionApplyError(12, new Error('connection reset'));
        return {};
      },
    });
    const event = mskEvent([
      { partition: 0, offset: 1, value: {} },
      { partition: 1, offset: 11, value: {} },
      { partition: 1, offset: 12, value: {} },
      { partition: 1, offset: 13, value: {} },
    ]);
    // Act
    const response = await processor.process(event);
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-1', offset: 12 } },
    ]);
  });

  it('reports the whole partition when the sink fails without saying where', async () => {
    const { processor } = processorWith({
      applyPartition: async () => {
        throw new Error('READONLY');
      },
    });
    const response = await processor.process(
      mskEvent([
        { offset: 40, value: {} },
        { offset: 41, value: {} },
      ]),
    );
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-0', offset: 40 } },
    ]);
  });

  it('dead-letters poison found by the sink', async () => {
    const { processor, letters } = processorWith({
      applyPartition: async (b) => ({
        poison: [
          {
            record: (b.events[0] as SinkEvent).record,
            error: new PoisonRecordError(POISON_KINDS.missingField, 'field "page" is missing'),
          },
        ],
      }),
    });
    await processor.process(mskEvent([{ offset: 7, value: { x: 1 } }]));
    expect(letters.map((l) => l.reason)).toEqual(['field "page" is missing']);
  });

  it.each([
    [false, 1],
    [true, 0],
  ])(
    'tells the sink its findings were dead-lettered only once the queue took them (queue fails: %s)',
    async (fail, told) => {
      // Prepare
      const findings: PoisonFinding[][] = [];
      const sink: PartitionSink = {
        applyPartition: async (b) => ({
          poison: [
            {
              record: (b.events[0] as SinkEvent).record,
              error: new PoisonRecordError(POISON_KINDS.wrongType, 'Redis refused INCRBY'),
            },
          ],
        }),
        deadLettered: async (sent) => {
          findings.push([...sent]);
        },
      };
      const { processor } = processorWith(sink, fail);
      // Act
      await processor.process(
        mskEvent([
          { offset: 7, value: { x: 1 } },
          { offset: 8, value: 'bad' },
        ]),
      );
      // Assess: only the sink's own finding (offset 7), not the undecodable record.
      expect(findings).toHaveLength(told);
      if (told) expect(findings[0]?.map((f) => f.record.offset)).toEqual([7]);
    },
  );

  it('reports poison records as failed when the dead-letter queue cannot take them', async () => {
    const { processor } = processorWith({ applyPartition: async () => ({}) }, true);
    const response = await processor.process(
      mskEvent([
        { offset: 1, value: {} },
        { offset: 2, value: 'bad' },
        { offset: 3, value: {} },
      ]),
    );
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-0', offset: 2 } },
    ]);
  });

  it('dead-letters the poison a failing sink found below its failed offset, and only that', async () => {
    // Prepare
    const { processor, letters } = processorWith({
      applyPartition: async (batch) => {
        const poison = batch.events
          .filter((e) => e.fields.bad === true)
          .map((e) => ({
            record: e.record,
            error: new PoisonRecordError(POISON_KINDS.missingField, 'no key'),
          }));
        throw new PartitionApplyError(12, new Error('throttled'), poison);
      },
    });
    const event = mskEvent([
      { offset: 10, value: { bad: true } },
      { offset: 11, value: { ok: true } },
      { offset: 12, value: { ok: true } },
      { offset: 13, value: { bad: true } },
    ]);

    // Act
    const response = await processor.process(event);

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-0', offset: 12 } },
    ]);
    expect(letters.map((l) => (l.coordinates as { offset: number }).offset)).toEqual([10]);
  });

  describe('dead-letter watermark', () => {
    /** A sink keeping its dead-letter watermark in memory, as the Redis sink keeps it in Redis. */
    function markingSink(): PartitionSink & { through: number | undefined } {
      return {
        through: undefined,
        applyPartition: async () => ({}),
        async deadLetteredThrough() {
          return this.through;
        },
        async markDeadLettered(_topic, _partition, offset) {
          this.through = Math.max(this.through ?? -1, offset);
        },
      };
    }
    const poisoned = () =>
      mskEvent([
        { offset: 1, value: { ok: true } },
        { offset: 2, value: '{not json' },
        { offset: 3, value: { ok: true } },
      ]);

    it('sends a poison record of a batch delivered three times once', async () => {
      // Prepare
      const sink = markingSink();
      const { processor, letters } = processorWith(sink);
      // Act
      for (let delivery = 0; delivery < 3; delivery++) await processor.process(poisoned());
      // Assess
      expect(letters.map((l) => l.coordinates)).toEqual([
        { source: 'kafka', topic: 'events', partition: 0, offset: 2 },
      ]);
      expect(sink.through).toBe(2);
    });

    it('does not move when the send fails, so the redelivery sends the letter', async () => {
      // Prepare
      const sink = markingSink();
      const failing = processorWith(sink, true);
      const healthy = processorWith(sink);
      // Act
      const first = await failing.processor.process(poisoned());
      await healthy.processor.process(poisoned());
      // Assess
      expect(first.batchItemFailures).toEqual([
        { itemIdentifier: { 'topic-partition': 'events-0', offset: 2 } },
      ]);
      expect(healthy.letters).toHaveLength(1);
    });

    it('sends every letter when the watermark cannot be read', async () => {
      // Prepare
      const sink: PartitionSink = {
        applyPartition: async () => ({}),
        deadLetteredThrough: async () => {
          throw new Error('READONLY');
        },
      };
      const { processor, letters } = processorWith(sink);
      // Act
      await processor.process(poisoned());
      await processor.process(poisoned());
      // Assess
      expect(letters).toHaveLength(2);
    });
  });
});
