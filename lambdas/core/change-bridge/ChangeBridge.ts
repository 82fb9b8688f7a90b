/**
 * The batch loop both change bridges share: each stream record decoded into a change and its messages, all
 * produced in one `sendBatch`, poison records dead-lettered, and the partial batch response by sequence
 * number, never reporting done a record after a failed one of its shard (docs/handlers.md).
 */

import { HANDLER_METRICS } from '../constants';
import type { DeadLetter, DeadLetterQueue } from '../DeadLetterQueue';
import { DeadLetterSendError } from '../DeadLetterQueue';
import { CHANGE_POISON_KINDS, PoisonChangeError } from '../envelope/errors';
import type { KafkaProducerProvider } from '../kafka/KafkaProducerProvider';
import { splitIntoSends, topicMessages } from '../kafka/messageSizes';
import type { OutgoingMessage } from '../kafka/types';
import type { Logger } from '../Logger';
import type { Metrics } from '../Metrics';
import type { InvocationContext, StreamBatchResponse } from '../types';
import { changeMessages } from './changeMessages';
import { BRIDGE_METRICS, SEND_BUDGET } from './constants';
import type { TablePlans } from './tablePlans';
import type { ChangeCarrier, RecordLocation } from './types';

export interface ChangeBridgeOptions {
  readonly plans: TablePlans;
  readonly kafka: Pick<KafkaProducerProvider, 'send' | 'reset'>;
  readonly deadLetters: Pick<DeadLetterQueue, 'send'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Written to the lineage header: the producing function's name. */
  readonly lineage: string;
  readonly now?: () => number;
}

type Outcome =
  | { readonly kind: 'messages'; readonly messages: OutgoingMessage[]; readonly createdAtMicros: number }
  | { readonly kind: 'poison'; readonly error: PoisonChangeError; readonly createdAtMicros?: number };

interface Tracked {
  readonly index: number;
  readonly location: RecordLocation;
  readonly outcome: Outcome;
}

/**
 * One change bridge: its table plans, Kafka producer, dead-letter queue, logs and metrics.
 *
 * @example
 * ```ts
 * const bridge = createChangeBridge('ddb-stream-to-kafka');
 * const { batchItemFailures } = await bridge.process(event.Records, dynamoDbStreamCarrier, context);
 * ```
 */
export class ChangeBridge {
  readonly #options: ChangeBridgeOptions;
  readonly #now: () => number;

  constructor(options: ChangeBridgeOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Disconnects the Kafka producer (a Lambda never needs this; a long-lived process that exits does). */
  async close(): Promise<void> {
    await this.#options.kafka.reset();
  }

  async process<R>(
    records: readonly R[],
    carrier: ChangeCarrier<R>,
    context?: InvocationContext,
  ): Promise<StreamBatchResponse> {
    const { logger, metrics } = this.#options;
    const started = this.#now();
    logger.setContext({ requestId: context?.awsRequestId });
    const tracked = records.map((record, index) => this.#prepare(record, index, carrier, started));

    const failedFrom = new Map<string, number>();
    const holdBack = (item: Tracked) => {
      const current = failedFrom.get(item.location.shard);
      if (current === undefined || item.index < current) failedFrom.set(item.location.shard, item.index);
    };

    const produced = await this.#produce(tracked, context, holdBack);
    const deadLettered = await this.#deadLetter(records, carrier, tracked, failedFrom, holdBack);

    const failures: { itemIdentifier: string }[] = [];
    let unreportable = 0;
    for (const item of tracked) {
      const from = failedFrom.get(item.location.shard);
      if (from === undefined || item.index < from) continue;
      if (item.location.checkpointId === undefined) unreportable++;
      else failures.push({ itemIdentifier: item.location.checkpointId });
    }

    let oldestMicros = Number.POSITIVE_INFINITY;
    for (const item of tracked) {
      const micros = item.outcome.createdAtMicros;
      if (micros !== undefined && micros < oldestMicros) oldestMicros = micros;
    }
    const finished = this.#now();
    metrics.add(HANDLER_METRICS.recordsIn, 'Count', records.length);
    metrics.add(BRIDGE_METRICS.produced, 'Count', produced.records);
    metrics.add(BRIDGE_METRICS.tombstones, 'Count', produced.tombstones);
    metrics.add(HANDLER_METRICS.recordsDeadLettered, 'Count', deadLettered);
    metrics.add(HANDLER_METRICS.recordsFailed, 'Count', failures.length + unreportable);
    metrics.add(HANDLER_METRICS.batchLatency, 'Milliseconds', finished - started);
    if (Number.isFinite(oldestMicros)) {
      metrics.add(HANDLER_METRICS.sourceAge, 'Milliseconds', Math.max(0, finished - oldestMicros / 1000));
    }
    metrics.flush();
    logger.info('batch done', {
      path: carrier.path,
      records: records.length,
      produced: produced.records,
      deadLettered,
      failed: failures.length,
      ms: finished - started,
    });
    if (unreportable > 0) {
      // Without a sequence number a failed record cannot be reported; failing the invocation retries the batch.
      throw new Error(
        `${unreportable} failed record(s) have no sequence number to report; retrying the batch`,
      );
    }
    return { batchItemFailures: failures };
  }

  #prepare<R>(record: R, index: number, carrier: ChangeCarrier<R>, producedAt: number): Tracked {
    const location = carrier.locate(record);
    let createdAtMicros: number | undefined;
    try {
      const change = carrier.decode(record);
      createdAtMicros = change.createdAtMicros;
      const plan = this.#options.plans.tables.get(change.table);
      if (!plan) {
        throw new PoisonChangeError(
          CHANGE_POISON_KINDS.unknownTable,
          `table ${change.table} is not a source of this bridge (sources: ${[...this.#options.plans.tables.keys()].join(', ')})`,
        );
      }
      const messages = changeMessages({
        plan,
        change,
        location,
        producedAtMs: producedAt,
        lineage: this.#options.lineage,
        maxMessageBytes: this.#options.plans.maxMessageBytes,
      });
      return { index, location, outcome: { kind: 'messages', messages, createdAtMicros } };
    } catch (error) {
      if (!(error instanceof PoisonChangeError)) throw error;
      return { index, location, outcome: { kind: 'poison', error, createdAtMicros } };
    }
  }

  /** Sends in order; on a failure, that send's records and everything after them are held back. */
  async #produce(
    tracked: readonly Tracked[],
    context: InvocationContext | undefined,
    holdBack: (item: Tracked) => void,
  ): Promise<{ records: number; tombstones: number }> {
    const { kafka, logger, plans } = this.#options;
    // Messages in batch order, and the record each came from (sends keep this order).
    const messages: OutgoingMessage[] = [];
    const owners: Tracked[] = [];
    for (const item of tracked) {
      if (item.outcome.kind !== 'messages') continue;
      for (const message of item.outcome.messages) {
        messages.push(message);
        owners.push(item);
      }
    }
    const sends = splitIntoSends(messages, plans);
    const budget = () =>
      context?.getRemainingTimeInMillis
        ? context.getRemainingTimeInMillis() - SEND_BUDGET.reserveMs
        : SEND_BUDGET.withoutContextMs;
    let sent = 0;
    for (const send of sends) {
      try {
        await kafka.send(topicMessages(send), budget());
        sent += send.length;
      } catch (error) {
        const heldBack = new Set(owners.slice(sent));
        for (const item of heldBack) holdBack(item);
        logger.error('kafka send failed; reporting the rest of the shard', {
          ...(owners[sent] as Tracked).location.coordinates,
          failedRecords: heldBack.size,
          error,
        });
        break;
      }
    }
    // Each produced record has one envelope message; tombstones are the messages without a value.
    let tombstones = 0;
    for (let i = 0; i < sent; i++) if (messages[i]?.value === null) tombstones++;
    return { records: sent - tombstones, tombstones };
  }

  /** Dead-letters poison records that precede their shard's failure point; a failed send holds them back. */
  async #deadLetter<R>(
    records: readonly R[],
    carrier: ChangeCarrier<R>,
    tracked: readonly Tracked[],
    failedFrom: ReadonlyMap<string, number>,
    holdBack: (item: Tracked) => void,
  ): Promise<number> {
    const { deadLetters, logger } = this.#options;
    const letters = new Map<DeadLetter, Tracked>();
    for (const item of tracked) {
      if (item.outcome.kind !== 'poison') continue;
      const from = failedFrom.get(item.location.shard);
      if (from !== undefined && item.index > from) continue;
      const { error } = item.outcome;
      letters.set(
        {
          reason: error.message,
          errorType: error.kind,
          coordinates: item.location.coordinates,
          payload: carrier.payload(records[item.index] as R),
          ...(error.details ? { details: error.details } : {}),
        },
        item,
      );
    }
    if (letters.size === 0) return 0;
    try {
      await deadLetters.send([...letters.keys()]);
    } catch (error) {
      const failed = error instanceof DeadLetterSendError ? error.failed : [...letters.keys()];
      for (const letter of failed) holdBack(letters.get(letter) as Tracked);
      logger.error('dead-letter send failed; reporting those records as failed', {
        failedRecords: failed.length,
        error,
      });
      for (const letter of failed) letters.delete(letter);
    }
    for (const [letter] of letters) {
      logger.warn('record dead-lettered', {
        ...letter.coordinates,
        reason: letter.reason,
        errorType: letter.errorType,
      });
    }
    return letters.size;
  }
}
