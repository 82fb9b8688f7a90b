import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import { markReplay, replayMarkOf } from '../../../lambdas/core/replayEvent';
import type { PoisonFinding } from '../../../lambdas/core/sink/errors';
import type { PartitionEvents } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { KafkaSinkProcessor } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { mskEvent } from '../../../local/events/mskEvents';

/** The sink loop given an event marked as a replay (`streambridge replay`). */
describe('a replay invocation of the sink loop', () => {
  const event = mskEvent([
    { offset: 5, value: { n: 1 } },
    { offset: 6, value: 'not json' },
    { offset: 7, value: { n: 2 } },
  ]);

  function run(marked: boolean, unverified?: number) {
    const letters: DeadLetter[] = [];
    const seen: PartitionEvents[] = [];
    const kept: PoisonFinding[][] = [];
    const processor = new KafkaSinkProcessor({
      name: 'test-sink',
      sink: {
        applyPartition: async (batch) => {
          seen.push(batch);
          return { applied: 2, duplicates: 1, ...(unverified === undefined ? {} : { unverified }) };
        },
        deadLettered: async (findings) => {
          kept.push([...findings]);
        },
      },
      deadLetters: { send: async (batch) => void letters.push(...batch) },
      logger: new Logger('test-sink', { write: () => {} }),
      metrics: new Metrics('test-sink', { write: () => {} }),
    });
    const input = marked ? markReplay(event, { source: 's3', id: 'aws/lambda/x' }) : event;
    return { response: processor.process(input), letters, seen, kept };
  }

  it('tells the sink it is a replay, with the batch first offset and the undecodable offsets', async () => {
    // Act
    const { response, seen } = run(true);
    await response;
    // Assess
    expect(seen[0]).toMatchObject({ replay: true, firstOffset: 5, lastOffset: 7, skippedOffsets: [6] });
  });

  it('sends no dead letter and reports what still fails next to the partial batch response', async () => {
    // Act
    const { response, letters } = run(true);
    // Assess
    expect(await response).toEqual({
      batchItemFailures: [],
      replay: {
        applied: 1,
        skipped: 1,
        failed: [{ topic: 'events', partition: 0, offset: 6, reason: expect.stringContaining('not JSON') }],
      },
    });
    expect(letters).toEqual([]);
  });

  it('reports the skipped records a sink could not verify as applied (no owed ledger) as not replayable', async () => {
    // Act
    const { response } = run(true, 1);
    // Assess
    expect((await response).replay).toMatchObject({ applied: 1, skipped: 1, notReplayable: 1 });
  });

  it('answers an unmarked event as before: dead letters sent, no replay report', async () => {
    // Act
    const { response, letters, seen } = run(false);
    // Assess
    expect(await response).toEqual({ batchItemFailures: [] });
    expect(letters.map((l) => l.coordinates)).toEqual([
      { source: 'kafka', topic: 'events', partition: 0, offset: 6 },
    ]);
    expect(letters[0]?.details).toEqual({ timestamp: expect.any(Number) });
    expect(seen[0]?.replay).toBe(false);
  });

  it('reads the mark only when it is well formed', () => {
    expect(replayMarkOf(markReplay({}, { source: 'dlq', id: 'abc' }))).toEqual({ source: 'dlq', id: 'abc' });
    expect(replayMarkOf({ streambridgeReplay: { source: 'kafka', id: 'x' } })).toBeUndefined();
    expect(replayMarkOf({ streambridgeReplay: true })).toBeUndefined();
    expect(replayMarkOf(event)).toBeUndefined();
    expect(replayMarkOf(null)).toBeUndefined();
  });
});
