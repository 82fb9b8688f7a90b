/**
 * The checkpoint of one shard when batches of it finish out of order (ParallelizationFactor > 1, filtered
 * records): records are added in shard order, marked done in any order, and the checkpoint is the last
 * record of the longest done prefix, so nothing before it is still pending.
 *
 * @example
 * ```ts
 * const tracker = new CheckpointTracker((sequenceNumber) => store.set(mappingId, shardId, sequenceNumber));
 * tracker.add(['1', '2', '3']);
 * tracker.done('2'); // no checkpoint yet: 1 is pending
 * tracker.done('1'); // checkpoint 2
 * ```
 */
export class CheckpointTracker {
  readonly #onCheckpoint: (position: string) => void;
  readonly #order: string[] = [];
  readonly #done = new Set<string>();
  #head = 0;

  constructor(onCheckpoint: (position: string) => void) {
    this.#onCheckpoint = onCheckpoint;
  }

  /** Records read and not yet covered by the checkpoint. */
  get pending(): number {
    return this.#order.length - this.#head;
  }

  add(positions: readonly string[]): void {
    this.#order.push(...positions);
  }

  done(position: string): void {
    this.#done.add(position);
    let advanced: string | undefined;
    while (this.#head < this.#order.length && this.#done.has(this.#order[this.#head] as string)) {
      advanced = this.#order[this.#head] as string;
      this.#done.delete(advanced);
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
    if (advanced !== undefined) this.#onCheckpoint(advanced);
  }
}
