/**
 * How long a request may keep retrying: capped exponential backoff with full jitter, stopping when the
 * next wait would eat into the time the invocation needs to answer (or after a fixed number of retries).
 *
 * @example
 * ```ts
 * const budget = new RetryBudget(() => context.getRemainingTimeInMillis());
 * while (!(await tryWrite())) if (!(await budget.wait())) throw new Error('gave up');
 * ```
 */
import { RETRY_POLICY } from './constants';

export interface RetryPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly reserveMs: number;
  readonly maxRetries: number;
}

export class RetryBudget {
  readonly #remainingMs: () => number;
  readonly #policy: RetryPolicy;
  #retries = 0;

  constructor(remainingMs: () => number, policy: RetryPolicy = RETRY_POLICY) {
    this.#remainingMs = remainingMs;
    this.#policy = policy;
  }

  /** Retries granted so far. */
  get retries(): number {
    return this.#retries;
  }

  /** Waits before the next attempt; resolves `false` at once when no further attempt fits. */
  async wait(): Promise<boolean> {
    const { baseDelayMs, maxDelayMs, reserveMs, maxRetries } = this.#policy;
    if (this.#retries >= maxRetries) return false;
    const delay = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** this.#retries);
    if (this.#remainingMs() - delay < reserveMs) return false;
    this.#retries++;
    await new Promise((resolve) => setTimeout(resolve, delay));
    return true;
  }
}
