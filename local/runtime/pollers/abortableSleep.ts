/**
 * Waits `ms`, or less when `signal` aborts (resolves early, never rejects), so stop() is never held up
 * by a poll interval or a retry backoff.
 *
 * @example
 * ```ts
 * await abortableSleep(250, controller.signal);
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
