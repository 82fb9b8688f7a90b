/**
 * The Redis sink's partition sink when some mappings are thresholds: the planned writes of the other
 * mappings (RedisPartitionSink), then the threshold mappings of the same partition (ThresholdEngine), each
 * guarded by its own watermark, so a partition that fails in either is redelivered and changes nothing twice.
 * Threshold watermarks keep no owed ledger: in a replay, readings they skip are reported unverified.
 */
import type { PoisonFinding } from '../../core/sink/errors';
import { PartitionApplyError } from '../../core/sink/errors';
import type { PartitionEvents, PartitionOutcome, PartitionSink } from '../../core/sink/KafkaSinkProcessor';
import type { ThresholdEngine } from './ThresholdEngine';

/**
 * `writes` and `thresholds` over the same partitions; poison and failures of both reported together.
 *
 * @example
 * ```ts
 * const sink = withThresholds(new RedisPartitionSink({ redis, config, cluster }), engine);
 * ```
 */
export function withThresholds(writes: PartitionSink, thresholds: ThresholdEngine): PartitionSink {
  return {
    async applyPartition(batch: PartitionEvents): Promise<PartitionOutcome> {
      const outcomes = await Promise.allSettled([
        writes.applyPartition(batch),
        thresholds.reads(batch.topic)
          ? thresholds.applyPartition(batch)
          : Promise.resolve<PartitionOutcome>({}),
      ]);
      // A record poison for both parts is dead-lettered once.
      const findings = new Map<unknown, PoisonFinding>();
      let failedAt = Number.POSITIVE_INFINITY;
      let failure: unknown;
      let duplicates = 0;
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          for (const finding of outcome.value.poison ?? []) findings.set(finding.record, finding);
          duplicates = Math.max(duplicates, outcome.value.duplicates ?? 0);
          continue;
        }
        const error = outcome.reason as unknown;
        failure ??= error;
        const at =
          error instanceof PartitionApplyError ? error.failedAtOffset : (batch.events[0]?.record.offset ?? 0);
        failedAt = Math.min(failedAt, at);
        for (const finding of error instanceof PartitionApplyError ? error.poison : []) {
          findings.set(finding.record, finding);
        }
      }
      const poison = [...findings.values()];
      if (failure !== undefined) {
        throw new PartitionApplyError(
          failedAt,
          failure,
          poison.filter((finding) => finding.record.offset < failedAt),
        );
      }
      // Threshold watermarks keep no owed ledger: in a replay, a reading they skipped may have been missed.
      const thresholdOutcome = outcomes[1];
      const skippedByThresholds =
        thresholdOutcome.status === 'fulfilled'
          ? Math.min(thresholdOutcome.value.duplicates ?? 0, batch.events.length)
          : 0;
      return {
        poison,
        applied: batch.events.length - poison.length,
        duplicates,
        ...(batch.replay && skippedByThresholds > 0 ? { unverified: skippedByThresholds } : {}),
      };
    },
    ...(writes.deadLettered
      ? {
          deadLettered: (findings: readonly PoisonFinding[]) =>
            writes.deadLettered?.(findings) ?? Promise.resolve(),
        }
      : {}),
  };
}
