/**
 * Holds a client's requests to at most `limit()` in flight; the limit is read again at each admission, so it
 * can follow a phase (the demo's running verification passes send one DynamoDB request at a time, so they
 * never queue dozens of requests in front of the pipeline's on a shared emulator; the drain's passes go at
 * full speed). Call `wake()` after the limit rises: waiters are let in as room appears.
 *
 * @example
 * ```ts
 * const gate = new InFlightGate(() => (phase === 'running' ? 1 : Number.POSITIVE_INFINITY));
 * gateRequests(verifierClient, gate);
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export class InFlightGate {
  readonly #limit: () => number;
  readonly #waiting: (() => void)[] = [];
  #inFlight = 0;
  #peak = 0;

  constructor(limit: () => number) {
    this.#limit = limit;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most requests that were ever in flight at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Runs `task` once fewer than `limit()` tasks are in flight; waiters run in arrival order. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#waiting.length > 0 || !this.#hasRoom())
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#enter();
    try {
      return await task();
    } finally {
      this.#inFlight -= 1;
      this.wake();
    }
  }

  /** Lets waiters in while there is room (after a task ends, or after the limit rose). */
  wake(): void {
    while (this.#waiting.length > 0 && this.#hasRoom()) {
      this.#enter();
      this.#waiting.shift()?.();
    }
  }

  #hasRoom(): boolean {
    return this.#inFlight < Math.max(1, this.#limit());
  }

  #enter(): void {
    this.#inFlight += 1;
    this.#peak = Math.max(this.#peak, this.#inFlight);
  }
}

/** Sends every request of `client` (its retries included) through `gate`. */
export function gateRequests(client: DynamoDBClient, gate: InFlightGate): void {
  client.middlewareStack.add((next) => (args) => gate.run(() => next(args)), {
    step: 'initialize',
    name: 'inFlightGate',
  });
}
