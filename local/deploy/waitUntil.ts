import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns a value other than undefined, for at most `timeoutMs`; throws with
 * `what` in the message when time runs out.
 *
 * @example
 * ```ts
 * const status = await waitUntil('stream orders ACTIVE', 30_000, async () => (await describe()) === 'ACTIVE' || undefined);
 * ```
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + intervalMs > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
