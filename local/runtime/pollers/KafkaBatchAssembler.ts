/**
 * Gathers the records of a Kafka mapping's partitions into one batch, as Lambda does: "Lambda reads
 * messages sequentially for each Kafka topic partition. A single Lambda payload can contain messages from
 * multiple partitions." (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html). A batch
 * goes when it is full (batch size or payload limit) or when its batching window closes: the window
 * "begins as soon as the first record arrives"
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching).
 *
 * Each partition joins with one part (its next records in order), which grows while the batch is open
 * (`extend`: records fetched during the window join it, as on AWS), and waits for the batch to go; a
 * partition never has two parts in flight, so its order holds. The assembler knows nothing of Kafka
 * offsets: what each part does with the outcome (commit, retry) is the poller's.
 */
import type { InvocationResult } from '../environment/types';
import { PollerStoppedError } from './errors';
import type { KafkaSourceRecord } from './kafkaEvent';
import type { KafkaPartitionRecords } from './partialBatchResponse';

export interface BatchPart extends KafkaPartitionRecords {
  readonly records: readonly KafkaSourceRecord[];
}

/**
 * What a part learns when its batch went: `part`, its records as the batch carried them (with those
 * `extend` added); `solo` — it was the batch's only part, and the poller delivers it itself (with the
 * mapping's whole error handling); otherwise the result of the one invocation that carried every part.
 */
export type PartOutcome =
  | { readonly solo: true; readonly part: BatchPart }
  | {
      readonly solo: false;
      readonly part: BatchPart;
      readonly result: InvocationResult;
      readonly parts: readonly BatchPart[];
    };

/** How a part joins: see KafkaBatchAssembler.join. */
export interface JoinOptions {
  readonly firstArrivalMs: number;
  readonly full: boolean;
  readonly signal: AbortSignal;
  /** Called when the batch goes (before its invocation): from then on the part cannot grow. */
  readonly onGo?: () => void;
}

export interface KafkaBatchAssemblerOptions {
  readonly mappingId: string;
  readonly batchSize: number;
  readonly windowMs: number;
  /** Payload bytes a batch's records may take (the invocation limit less the event's envelope). */
  readonly maxRecordBytes: number;
  /** Invokes the function with the records of a batch of several parts. */
  invoke(records: readonly KafkaSourceRecord[], parts: readonly BatchPart[]): Promise<InvocationResult>;
  /** The clock the windows are timed with. Default Date.now. */
  readonly now?: () => number;
}

interface GrowingPart extends BatchPart {
  readonly records: KafkaSourceRecord[];
}

interface Waiter {
  readonly part: GrowingPart;
  readonly onGo: (() => void) | undefined;
  resolve(outcome: PartOutcome): void;
  reject(error: unknown): void;
}

interface OpenBatch {
  readonly waiters: Waiter[];
  records: number;
  bytes: number;
  /** The arrival of the batch's earliest record: its window began then. */
  firstArrivalMs: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * @example
 * ```ts
 * const assembler = new KafkaBatchAssembler({ mappingId, batchSize: 100, windowMs: 1000, maxRecordBytes, invoke });
 * const outcome = await assembler.join(part, { firstArrivalMs, full: false, signal });
 * ```
 */
export class KafkaBatchAssembler {
  readonly #options: KafkaBatchAssemblerOptions;
  readonly #now: () => number;
  #open: OpenBatch | undefined;

  constructor(options: KafkaBatchAssemblerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Room left in the batch a part would join now (a new one when none is open). */
  room(): { records: number; bytes: number; fresh: boolean } {
    const open = this.#open;
    return open
      ? {
          records: this.#options.batchSize - open.records,
          bytes: this.#options.maxRecordBytes - open.bytes,
          fresh: false,
        }
      : { records: this.#options.batchSize, bytes: this.#options.maxRecordBytes, fresh: true };
  }

  /** Sends the open batch now: the next record does not fit in it. */
  flush(): void {
    if (this.#open) this.#go(this.#open);
  }

  /**
   * Adds a part (within `room()`) to the open batch, or opens one. The batch's window closes `windowMs`
   * after the arrival of its earliest record (`firstArrivalMs` of a part: the partitions of a fetch join in
   * any order); the promise resolves when the batch went (at once when `full`). When `signal` aborts before
   * the batch went, the part leaves it and the promise rejects with PollerStoppedError.
   */
  join(part: BatchPart, options: JoinOptions): Promise<PartOutcome> {
    if (options.signal.aborted) return Promise.reject(new PollerStoppedError(this.#options.mappingId));
    return new Promise<PartOutcome>((resolve, reject) => {
      const open = this.#open ?? this.#openBatch(options.firstArrivalMs);
      if (options.firstArrivalMs < open.firstArrivalMs) this.#schedule(open, options.firstArrivalMs);
      const bytes = part.records.reduce((sum, record) => sum + record.sizeBytes, 0);
      const onAbort = () => this.#leave(open, waiter);
      const waiter: Waiter = {
        part: { topicPartition: part.topicPartition, records: [...part.records] },
        onGo: options.onGo,
        resolve: (outcome) => {
          options.signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject: (error) => {
          options.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      open.waiters.push(waiter);
      open.records += part.records.length;
      open.bytes += bytes;
      options.signal.addEventListener('abort', onAbort, { once: true });
      if (options.full || open.records >= this.#options.batchSize) this.#go(open);
    });
  }

  /**
   * Adds records (within `room()`, next in their partition's order) to the part their partition has in
   * the open batch; false when it has none there (the batch went). The batch goes at once when `full`.
   */
  extend(topicPartition: string, records: readonly KafkaSourceRecord[], full: boolean): boolean {
    const open = this.#open;
    const waiter = open?.waiters.find((candidate) => candidate.part.topicPartition === topicPartition);
    if (!open || !waiter) return false;
    waiter.part.records.push(...records);
    open.records += records.length;
    open.bytes += records.reduce((sum, record) => sum + record.sizeBytes, 0);
    if (full || open.records >= this.#options.batchSize) this.#go(open);
    return true;
  }

  /** Rejects every part still waiting (the poller stops). */
  stop(): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    clearTimeout(open.timer);
    for (const waiter of open.waiters) waiter.reject(new PollerStoppedError(this.#options.mappingId));
  }

  #openBatch(firstArrivalMs: number): OpenBatch {
    const open: OpenBatch = {
      waiters: [],
      records: 0,
      bytes: 0,
      firstArrivalMs,
      timer: setTimeout(() => undefined, 0),
    };
    this.#schedule(open, firstArrivalMs);
    this.#open = open;
    return open;
  }

  /** (Re)sets when the batch goes: `windowMs` after its earliest record arrived. */
  #schedule(open: OpenBatch, firstArrivalMs: number): void {
    clearTimeout(open.timer);
    open.firstArrivalMs = firstArrivalMs;
    const delay = Math.max(0, firstArrivalMs + this.#options.windowMs - this.#now());
    // Even a closed window waits for the next turn of the event loop, so the partitions of one fetch,
    // handed over together, go together.
    open.timer = setTimeout(() => this.#go(open), delay);
  }

  #leave(open: OpenBatch, waiter: Waiter): void {
    const index = open.waiters.indexOf(waiter);
    if (index < 0 || this.#open !== open) return;
    open.waiters.splice(index, 1);
    open.records -= waiter.part.records.length;
    open.bytes -= waiter.part.records.reduce((sum, record) => sum + record.sizeBytes, 0);
    if (open.waiters.length === 0) {
      clearTimeout(open.timer);
      this.#open = undefined;
    }
    waiter.reject(new PollerStoppedError(this.#options.mappingId));
  }

  #go(open: OpenBatch): void {
    clearTimeout(open.timer);
    if (this.#open === open) this.#open = undefined;
    const { waiters } = open;
    if (waiters.length === 0) return;
    for (const waiter of waiters) waiter.onGo?.();
    if (waiters.length === 1) {
      const [only] = waiters as [Waiter];
      only.resolve({ solo: true, part: only.part });
      return;
    }
    const parts = waiters.map((waiter) => waiter.part);
    this.#options
      .invoke(
        parts.flatMap((part) => part.records),
        parts,
      )
      .then(
        (result) => {
          for (const waiter of waiters) waiter.resolve({ solo: false, part: waiter.part, result, parts });
        },
        (error: unknown) => {
          for (const waiter of waiters) waiter.reject(error);
        },
      );
  }
}
