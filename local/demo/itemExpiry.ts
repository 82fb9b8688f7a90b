/**
 * When a demo item's TTL has passed: readings, order states and sessions whose TTL ended before the
 * verification may be gone by expiry, so the verifier reports them as expired (neither lost nor verified).
 * How the summary counts them: docs/cli.md, "How the summary counts".
 */

/**
 * Items whose TTL ends within this margin after the verification count as expired too: the tally times an
 * item from its event's `ts`, a little before the source write that set its TTL attribute.
 */
export const EXPIRY_MARGIN_MS = 10_000;

/** Whether an item written at `fromMs` with a TTL of `ttlSeconds` may have expired by `now`. */
export function isExpired(fromMs: number, ttlSeconds: number | undefined, now: number): boolean {
  return ttlSeconds !== undefined && fromMs + ttlSeconds * 1000 - EXPIRY_MARGIN_MS <= now;
}
