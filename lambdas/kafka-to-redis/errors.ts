/** A script call of one slot group failed (connection lost, timeout, server error): nothing is known applied. */
export class ScriptCallError extends Error {
  /** The lowest offset the failed call would have applied: the partition is redelivered from here. */
  readonly firstOffset: number;

  constructor(firstOffset: number, cause: unknown) {
    super(`apply script failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ScriptCallError';
    this.firstOffset = firstOffset;
  }
}
