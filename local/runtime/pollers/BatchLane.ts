import type { Logger } from '../../../lambdas/core/Logger';
import { EnvironmentStoppedError } from '../environment/errors';
import { abortableSleep } from './abortableSleep';
import { POLLER_LIMITS } from './constants';
import { PollerStoppedError } from './errors';
import type { SourceRecord } from './types';

export interface BatchLaneOptions<R extends SourceRecord> {
  readonly name: string;
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds in ms. */
  readonly windowMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Processes one batch to completion (deliverBatch). */
  deliver(records: readonly R[]): Promise<void>;
}

/**
 * One ordered lane of a shard: records wait here until a batch is ready, then go to the function one
 * batch at a time, so order within the lane holds. A batch is ready when it reaches BatchSize, when the
 * next record would pass the 6 MB invocation payload, or when the batching window is over. For Kinesis
 * and DynamoDB Streams "the next batching window begins as soon as the previous function invocation
 * completes" (the first one when the lane starts), so a record read after a quiet spell longer than the
 * window goes at once, and under steady traffic a record waits at most the window after the previous
 * invocation. (Kafka's window begins at a batch's first record instead: KafkaPoller.)
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 *
 * @example
 * ```ts
 * const lane = new BatchLane({ name: 'shard-0/0', batchSize: 100, windowMs: 0, signal, logger, deliver });
 * const running = lane.run();
 * lane.push(records);
 * ```
 */
export class BatchLane<R extends SourceRecord> {
  readonly #options: BatchLaneOptions<R>;
  #queue: R[] = [];
  /** When the current batching window began: the previous invocation's end, or the lane's start. */
  #windowStart = Date.now();
  #wake: (() => void) | undefined;
  #busy = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: BatchLaneOptions<R>) {
    this.#options = options;
  }

  /** Records waiting or being delivered. */
  get size(): number {
    return this.#queue.length;
  }

  get idle(): boolean {
    return this.#queue.length === 0 && !this.#busy;
  }

  push(records: readonly R[]): void {
    this.#queue.push(...records);
    this.#notify();
  }

  /** Resolves once every pushed record is done (or the lane stopped). */
  whenIdle(): Promise<void> {
    if (this.idle || this.#options.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Runs until the signal aborts; a batch in delivery finishes its current invocation first. */
  async run(): Promise<void> {
    const { signal } = this.#options;
    const onAbort = () => this.#notify();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const waitMs = this.#msUntilReady();
        if (waitMs > 0) {
          await this.#sleepUntilPush(waitMs);
          continue;
        }
        await this.#deliverNext();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#settleIdle();
    }
  }

  /** 0 when a batch is ready; else how long to wait (infinite while empty). */
  #msUntilReady(): number {
    if (this.#queue.length === 0) return Number.POSITIVE_INFINITY;
    if (this.#queue.length >= this.#options.batchSize) return 0;
    let bytes = POLLER_LIMITS.eventOverheadBytes;
    for (const record of this.#queue) {
      bytes += record.sizeBytes;
      if (bytes > POLLER_LIMITS.maxPayloadBytes) return 0;
    }
    return Math.max(0, this.#windowStart + this.#options.windowMs - Date.now());
  }

  #take(): R[] {
    const batch: R[] = [];
    let bytes = POLLER_LIMITS.eventOverheadBytes;
    while (batch.length < this.#options.batchSize && this.#queue.length > 0) {
      const record = this.#queue[0] as R;
      if (batch.length > 0 && bytes + record.sizeBytes > POLLER_LIMITS.maxPayloadBytes) break;
      bytes += record.sizeBytes;
      batch.push(record);
      this.#queue.shift();
    }
    return batch;
  }

  async #deliverNext(): Promise<void> {
    const batch = this.#take();
    this.#busy = true;
    try {
      await this.#options.deliver(batch);
      this.#windowStart = Date.now();
    } catch (error) {
      if (error instanceof PollerStoppedError || error instanceof EnvironmentStoppedError) return;
      // Not a function error (those are handled inside deliver): put the batch back and try again later.
      this.#options.logger.error('batch delivery failed; retrying', {
        lane: this.#options.name,
        records: batch.length,
        error,
      });
      this.#queue.unshift(...batch);
      await abortableSleep(1_000, this.#options.signal);
      // A retry of the same batch, not a new one: it goes without a new window.
      this.#windowStart = Number.NEGATIVE_INFINITY;
    } finally {
      this.#busy = false;
      if (this.idle) this.#settleIdle();
    }
  }

  #sleepUntilPush(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #settleIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
