import { describe, expect, it } from 'vitest';
import type { PartitionEvents, PartitionSink } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import type { ThresholdEngine } from '../../../lambdas/kafka-to-redis/thresholds/ThresholdEngine';
import { withThresholds } from '../../../lambdas/kafka-to-redis/thresholds/withThresholds';

/** In a replay, readings the threshold watermark skipped are unverified: thresholds keep no owed ledger. */
describe('withThresholds in a replay', () => {
  const events = [5, 6, 7].map((offset) => ({ record: { offset } })) as unknown as PartitionEvents['events'];
  const batch = (replay: boolean): PartitionEvents => ({
    topic: 'temps',
    partition: 0,
    events,
    firstOffset: 5,
    lastOffset: 7,
    skippedOffsets: [],
    replay,
    remainingMs: () => 60_000,
  });
  const writes: PartitionSink = { applyPartition: async () => ({ applied: 3, duplicates: 0 }) };
  // Only the two methods withThresholds calls; the engine itself needs Redis.
  const thresholds = (duplicates: number) =>
    ({
      reads: () => true,
      applyPartition: async () => ({ applied: 3, duplicates }),
    }) as unknown as ThresholdEngine;

  it('reports the skipped readings of a replay as unverified (capped at the batch), none when nothing was skipped', async () => {
    expect(await withThresholds(writes, thresholds(2)).applyPartition(batch(true))).toEqual({
      poison: [],
      applied: 3,
      duplicates: 2,
      unverified: 2,
    });
    expect((await withThresholds(writes, thresholds(6)).applyPartition(batch(true))).unverified).toBe(3);
    expect(
      (await withThresholds(writes, thresholds(0)).applyPartition(batch(true))).unverified,
    ).toBeUndefined();
  });

  it('reports none outside a replay (a redelivery is what the watermark is for)', async () => {
    expect(
      (await withThresholds(writes, thresholds(2)).applyPartition(batch(false))).unverified,
    ).toBeUndefined();
  });
});
