/**
 * The batch loop every Kafka sink shares: an MSK event split into partitions, records decoded (poison ones
 * dead-lettered), each partition's events handed to the sink in offset order, and the Kafka partial batch
 * response, never reporting done an offset after a failed one of its partition (docs/handlers.md). A
 * replay invocation (`streambridge replay`) sends no dead letters and reports what still fails instead.
 */
import type { MSKEvent } from 'aws-lambda';
import { HANDLER_METRICS } from '../constants';
import type { DeadLetter, DeadLetterQueue } from '../DeadLetterQueue';
import type { KafkaPartitionBatch, KafkaRecord } from '../kafkaRecords';
import { kafkaBatchResponse, partitionBatches } from '../kafkaRecords';
import type { Logger } from '../Logger';
import type { Metrics } from '../Metrics';
import type { ReplayFailure } from '../replayEvent';
import { replayMarkOf } from '../replayEvent';
import type { InvocationContext, KafkaBatchResponse } from '../types';
import { SINK_LOOP, SINK_METRICS } from './constants';
import type { PoisonFinding } from './errors';
import { PartitionApplyError, PoisonRecordError } from './errors';
import type { SinkEvent } from './sinkEvent';
import { decodeSinkEvent } from './sinkEvent';

/** One partition's decodable events, in offset order, for a sink to apply. */
export interface PartitionEvents {
  readonly topic: string;
  readonly partition: number;
  readonly events: readonly SinkEvent[];
  /** Offset of the partition batch's first record (poison ones included). */
  readonly firstOffset: number;
  /** Offset of the partition batch's last record (poison ones included): the watermark after success. */
  readonly lastOffset: number;
  /** Offsets of the batch's undecodable records (not in `events`): the sink owes them once past them. */
  readonly skippedOffsets: readonly number[];
  /**
   * A replay invocation: records at or below the watermark are applied when the sink's owed ledger owes
   * them (a sink without one skips them as redeliveries).
   */
  readonly replay: boolean;
  /** Milliseconds left in the invocation (retry budgets stop before the Lambda timeout). */
  readonly remainingMs: () => number;
}

export interface PartitionOutcome {
  /** Events the sink found it can never apply (missing key field, wrong type...). */
  readonly poison?: readonly PoisonFinding[];
  /** Events applied (written, or skipped as already applied). */
  readonly applied?: number;
  /** Events skipped because the watermark showed them already applied (redelivery). */
  readonly duplicates?: number;
  /**
   * In a replay: of the duplicates, those skipped below a watermark that keeps no owed ledger, so the sink
   * cannot tell applied from missed; their failure record is kept ("not replayable by this sink yet").
   */
  readonly unverified?: number;
}

/** A sink: applies one partition's events atomically or throws (PartitionApplyError for a partial apply). */
export interface PartitionSink {
  applyPartition(batch: PartitionEvents): Promise<PartitionOutcome>;
  /**
   * Called after the dead letters of findings this sink reported were sent, or, in a replay, once they are
   * known to stay in their failure record (a sink that keeps its own record of them until then, like the
   * Redis sink's refusals outbox, lets it go and owes them); its failure is logged.
   */
  deadLettered?(findings: readonly PoisonFinding[]): Promise<void>;
  /**
   * The partition's dead-letter watermark: the highest offset whose poison (if any) was dead-lettered by
   * some delivery, kept next to the sink's offset watermark. Poison at or below it is not sent again.
   */
  deadLetteredThrough?(topic: string, partition: number): Promise<number | undefined>;
  /** Moves the dead-letter watermark up to `offset` once the letters up to it were sent (never down). */
  markDeadLettered?(topic: string, partition: number, offset: number): Promise<void>;
}

export interface KafkaSinkProcessorOptions {
  readonly name: string;
  readonly sink: PartitionSink;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface PartitionResult {
  readonly failedAt?: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** In a replay: duplicates the sink could not verify as applied (no owed ledger). */
  readonly unverified?: number;
  /** In a replay: the records that still fail. */
  readonly failed?: readonly ReplayFailure[];
}

function coordinates(record: KafkaRecord) {
  return {
    source: 'kafka' as const,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
}

function offsetOf(letter: DeadLetter): number {
  return (letter.coordinates as { offset: number }).offset;
}

function deadLetterOf(record: KafkaRecord, error: PoisonRecordError): DeadLetter {
  return {
    reason: error.message,
    errorType: error.kind,
    coordinates: coordinates(record),
    payload: record.value,
    key: record.key,
    // Not a coordinate (the dead letter's id stays the same); a replay rebuilds the record with it.
    details: { timestamp: record.timestamp },
  };
}

/**
 * Runs one MSK batch through a partition sink.
 *
 * @example
 * ```ts
 * const processor = new KafkaSinkProcessor({ name: 'kafka-to-redis', sink, deadLetters, logger, metrics });
 * const { batchItemFailures } = await processor.process(mskEvent, context);
 * ```
 */
export class KafkaSinkProcessor {
  readonly #options: KafkaSinkProcessorOptions;

  constructor(options: KafkaSinkProcessorOptions) {
    this.#options = options;
  }

  async process(event: MSKEvent, context?: InvocationContext): Promise<KafkaBatchResponse> {
    const { logger, metrics } = this.#options;
    const started = Date.now();
    logger.setContext({ requestId: context?.awsRequestId });
    const remainingMs = () => context?.getRemainingTimeInMillis?.() ?? SINK_LOOP.withoutContextMs;
    const partitions = partitionBatches(event);
    const replay = replayMarkOf(event) !== undefined;
    const results = await Promise.all(
      partitions.map((batch) => this.#processPartition(batch, remainingMs, replay)),
    );

    const failures: { topic: string; partition: number; offset: number }[] = [];
    let records = 0;
    let oldest = Number.POSITIVE_INFINITY;
    results.forEach((result, i) => {
      const batch = partitions[i] as KafkaPartitionBatch;
      records += batch.records.length;
      for (const r of batch.records) oldest = Math.min(oldest, r.timestamp);
      if (result.failedAt !== undefined) {
        failures.push({ topic: batch.topic, partition: batch.partition, offset: result.failedAt });
      }
    });
    const sum = (pick: (r: PartitionResult) => number) => results.reduce((n, r) => n + pick(r), 0);
    const failedRecords = results.reduce((n, r, i) => {
      if (r.failedAt === undefined) return n;
      return (
        n +
        (partitions[i] as KafkaPartitionBatch).records.filter((rec) => rec.offset >= (r.failedAt as number))
          .length
      );
    }, 0);
    metrics.add(HANDLER_METRICS.recordsIn, 'Count', records);
    metrics.add(
      SINK_METRICS.applied,
      'Count',
      sum((r) => r.applied),
    );
    metrics.add(
      SINK_METRICS.duplicates,
      'Count',
      sum((r) => r.duplicates),
    );
    metrics.add(
      HANDLER_METRICS.recordsDeadLettered,
      'Count',
      sum((r) => r.deadLettered),
    );
    metrics.add(HANDLER_METRICS.recordsFailed, 'Count', failedRecords);
    metrics.add(HANDLER_METRICS.batchLatency, 'Milliseconds', Date.now() - started);
    if (Number.isFinite(oldest)) {
      metrics.add(HANDLER_METRICS.sourceAge, 'Milliseconds', Math.max(0, Date.now() - oldest));
    }
    metrics.flush();
    logger.info('batch done', {
      records,
      topics: [...new Set(partitions.map((p) => p.topic))],
      partitions: partitions.length,
      failed: failures.map((f) => ({ topic: f.topic, partition: f.partition, offset: f.offset })),
      ms: Date.now() - started,
      ...(replay ? { replay } : {}),
    });
    const response = kafkaBatchResponse(failures);
    if (!replay) return response;
    const notReplayable = sum((r) => r.unverified ?? 0);
    return {
      ...response,
      replay: {
        applied: sum((r) => r.applied - r.duplicates),
        skipped: sum((r) => r.duplicates),
        ...(notReplayable > 0 ? { notReplayable } : {}),
        failed: results.flatMap((r) => r.failed ?? []),
      },
    };
  }

  async #processPartition(
    batch: KafkaPartitionBatch,
    remainingMs: () => number,
    replay: boolean,
  ): Promise<PartitionResult> {
    const { sink, deadLetters, logger } = this.#options;
    const where = { topic: batch.topic, partition: batch.partition };
    const poison: DeadLetter[] = [];
    const poisonOffsets: number[] = [];
    /** The sink's findings among the poison (for `deadLettered`). */
    const findings = new Map<DeadLetter, PoisonFinding>();
    const found = (finding: PoisonFinding) => {
      const letter = deadLetterOf(finding.record, finding.error);
      poison.push(letter);
      poisonOffsets.push(finding.record.offset);
      findings.set(letter, finding);
    };
    const events: SinkEvent[] = [];
    for (const record of batch.records) {
      try {
        events.push(decodeSinkEvent(record));
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        poison.push(deadLetterOf(record, error));
        poisonOffsets.push(record.offset);
      }
    }
    const firstOffset = (batch.records[0] as KafkaRecord).offset;
    const lastOffset = (batch.records[batch.records.length - 1] as KafkaRecord).offset;
    const skippedOffsets = [...poisonOffsets];
    let failedAt: number | undefined;
    let applied = 0;
    let duplicates = 0;
    let unverified = 0;
    try {
      const outcome = await sink.applyPartition({
        ...where,
        events,
        firstOffset,
        lastOffset,
        skippedOffsets,
        replay,
        remainingMs,
      });
      applied = outcome.applied ?? events.length - (outcome.poison?.length ?? 0);
      duplicates = outcome.duplicates ?? 0;
      unverified = outcome.unverified ?? 0;
      for (const finding of outcome.poison ?? []) found(finding);
    } catch (error) {
      failedAt =
        error instanceof PartitionApplyError
          ? error.failedAtOffset
          : (batch.records[0] as KafkaRecord).offset;
      for (const finding of error instanceof PartitionApplyError ? error.poison : []) found(finding);
      logger.error('partition apply failed', { ...where, failedAt, error });
    }
    const settled = poison.filter(
      (_, i) => failedAt === undefined || (poisonOffsets[i] as number) < failedAt,
    );
    if (replay) {
      return this.#replayResult(batch, settled, findings, { failedAt, applied, duplicates, unverified });
    }
    const { send: deliverable, skip: alreadySent } = await this.#splitSent(where, settled);
    if (deliverable.length > 0) {
      try {
        await deadLetters.send(deliverable);
        for (const letter of deliverable)
          logger.warn('record dead-lettered', {
            ...letter.coordinates,
            reason: letter.reason,
            errorType: letter.errorType,
          });
      } catch (error) {
        const first = Math.min(...deliverable.map(offsetOf));
        failedAt = failedAt === undefined ? first : Math.min(failedAt, first);
        logger.error('dead-letter send failed; reporting records as failed', { ...where, failedAt, error });
        return { failedAt, applied, duplicates, deadLettered: 0 };
      }
    }
    if (settled.length > 0) {
      await sink
        .markDeadLettered?.(where.topic, where.partition, Math.max(...settled.map(offsetOf)))
        .catch((error: unknown) => {
          logger.warn('could not move the dead-letter watermark (a redelivery sends them again)', {
            ...where,
            error,
          });
        });
      const sent = [...deliverable, ...alreadySent].flatMap((letter) => findings.get(letter) ?? []);
      if (sent.length > 0 && sink.deadLettered) {
        await sink.deadLettered(sent).catch((error: unknown) => {
          logger.warn('could not tell the sink its dead letters were sent', { ...where, error });
        });
      }
    }
    return { failedAt, applied, duplicates, deadLettered: deliverable.length };
  }

  /**
   * A replayed partition's result: its poison and the records from a failed offset on still fail; they are
   * not dead-lettered again (their failure record stays until a replay succeeds), and the sink is told so.
   */
  async #replayResult(
    batch: KafkaPartitionBatch,
    settled: readonly DeadLetter[],
    findings: ReadonlyMap<DeadLetter, PoisonFinding>,
    result: { failedAt: number | undefined; applied: number; duplicates: number; unverified: number },
  ): Promise<PartitionResult> {
    const { sink, logger } = this.#options;
    const where = { topic: batch.topic, partition: batch.partition };
    const failed: ReplayFailure[] = settled.map((letter) => ({
      ...where,
      offset: offsetOf(letter),
      reason: letter.reason,
    }));
    const { failedAt } = result;
    if (failedAt !== undefined) {
      for (const record of batch.records) {
        if (record.offset >= failedAt) {
          failed.push({ ...where, offset: record.offset, reason: `partition failed at offset ${failedAt}` });
        }
      }
    }
    const kept = settled.flatMap((letter) => findings.get(letter) ?? []);
    if (kept.length > 0 && sink.deadLettered) {
      await sink.deadLettered(kept).catch((error: unknown) => {
        logger.warn('could not tell the sink its replayed poison stays in its failure record', {
          ...where,
          error,
        });
      });
    }
    return { ...result, deadLettered: 0, failed };
  }

  /**
   * Splits a partition's dead letters into those to send and those an earlier delivery already sent (at or
   * below the sink's dead-letter watermark). A watermark that cannot be read sends them all: a duplicate
   * (with the same `deadLetterId`) is better than a lost letter.
   */
  async #splitSent(
    where: { topic: string; partition: number },
    letters: readonly DeadLetter[],
  ): Promise<{ send: DeadLetter[]; skip: DeadLetter[] }> {
    const { sink, logger } = this.#options;
    if (letters.length === 0 || !sink.deadLetteredThrough) return { send: [...letters], skip: [] };
    const through = await sink.deadLetteredThrough(where.topic, where.partition).catch((error: unknown) => {
      logger.warn('could not read the dead-letter watermark; sending every dead letter', { ...where, error });
      return undefined;
    });
    if (through === undefined) return { send: [...letters], skip: [] };
    const skip = letters.filter((letter) => offsetOf(letter) <= through);
    if (skip.length > 0) {
      logger.info('dead letters already sent by an earlier delivery', {
        ...where,
        deadLetteredThrough: through,
        offsets: skip.map(offsetOf),
      });
    }
    return { send: letters.filter((letter) => offsetOf(letter) > through), skip };
  }
}
