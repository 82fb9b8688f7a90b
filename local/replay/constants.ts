/** Constants of `streambridge replay`. */

/** Where a replay reads failure records from. */
export const REPLAY_SOURCES = ['s3', 'dlq', 'both'] as const;

export const REPLAY_DEFAULTS = {
  /** Where Lambda writes on-failure records in the bucket (`aws/lambda/<mapping uuid>/<shard>/…`). */
  failureRecordPrefix: 'aws/lambda/',
  /**
   * Seconds a received dead letter stays hidden from other readers while it is replayed; one still failing
   * is made visible again at once. A dry run hides nothing (visibility 0).
   */
  visibilityTimeoutSeconds: 120,
  /** Receives of a queue that return nothing new before the queue counts as read. */
  emptyReceives: 2,
} as const;

/** The environment variable that names a function's dead-letter queue (handlers' `HANDLER_ENV`). */
export const DEAD_LETTER_QUEUE_ENV = 'DEAD_LETTER_QUEUE_URL';
