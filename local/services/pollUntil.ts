import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Checked between attempts; a string stops the wait early with that reason. */
  abortReason?: () => string | undefined;
}

export type PollResult = { ok: true } | { ok: false; reason: string };

/**
 * Calls `attempt` until it resolves, the bounded time runs out or `abortReason` gives a reason.
 *
 * @example
 * ```ts
 * const result = await pollUntil(() => probe(config), { timeoutMs: 10_000, intervalMs: 200 });
 * ```
 */
export async function pollUntil(attempt: () => Promise<void>, options: PollOptions): Promise<PollResult> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no attempt made';
  while (true) {
    const aborted = options.abortReason?.();
    if (aborted) return { ok: false, reason: aborted };
    try {
      await attempt();
      return { ok: true };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + options.intervalMs > deadline) {
      return { ok: false, reason: `not ready after ${options.timeoutMs} ms (last error: ${lastError})` };
    }
    await sleep(options.intervalMs);
  }
}
