/** Errors of scheduled invocations. */

/**
 * A scheduled event names no timer this function has: the rule and the function's config disagree. The
 * invocation fails (EventBridge retries it, then it is visible in the function's errors) instead of doing
 * nothing quietly.
 */
export class UnknownTimerError extends Error {
  readonly mapping: string | undefined;

  constructor(mapping: string | undefined, known: readonly string[]) {
    super(
      mapping === undefined
        ? `scheduled event without detail.mapping; timers of this function: ${known.join(', ') || 'none'}`
        : `scheduled event for mapping ${mapping}, which has no timer here; timers: ${known.join(', ') || 'none'}`,
    );
    this.name = 'UnknownTimerError';
    this.mapping = mapping;
  }
}
