/** Constants of the `sessions` mode: the key design of its table and the limits it plans around. */

/**
 * Prefixes of the keys the mode writes (table keys `pk`/`sk` and index keys are the names the table
 * declares). docs/sinks/dynamodb.md lists the items and the queries that read them.
 */
export const SESSION_KEYS = {
  /** Partition of a user's items: its open-session state and its closed sessions. */
  user: 'user#',
  /** Sort key of a user's state item: `state#<mapping>`. */
  state: 'state#',
  /** Sort key of a closed session: `session#<mapping>#<start, ISO-8601 UTC with ms>`. */
  session: 'session#',
  /** Partition of a mapping's daily session counts (sort key: the UTC day). */
  counts: 'counts#',
  /** Partition of a mapping's daily funnel counts (sort key: the UTC day). */
  funnel: 'funnel#',
  /** Index partition of a day's closed sessions: `day#<mapping>#<yyyy-MM-dd>`. */
  day: 'day#',
  /** Index partition of open states due to close: `due#<mapping>#<bucket>`. */
  due: 'due#',
} as const;

/** Attributes of the mode's items besides the table's keys. */
export const SESSION_ATTRIBUTES = {
  /** The user's timeline as JSON (`UserTimeline`). */
  timeline: 'sb_timeline',
  /** Wall-clock time (epoch ms) of the last fold of this user's events: the schedule waits the lateness after it. */
  processedAt: 'sb_processed_at',
  userId: 'userId',
  start: 'start',
  end: 'end',
  startMs: 'startMs',
  endMs: 'endMs',
  pages: 'pages',
  durationMs: 'durationMs',
  day: 'day',
  sessions: 'sessions',
} as const;

export const SESSION_LIMITS = {
  /** Items per TransactWriteItems request (DynamoDB's limit). */
  transactionItems: 100,
  /**
   * Index partitions the open states spread over, so the schedule's queries and the index's writes do not
   * all land on one partition key.
   */
  dueBuckets: 16,
  /** Width of the zero-padded due time in index sort keys (epoch ms fit 15 digits until year 33658). */
  dueDigits: 15,
  /** Re-plans of a transaction whose condition failed or that conflicted with another (counters are shared). */
  maxReplans: 8,
} as const;

/** EMF metrics of the mode. */
export const SESSION_METRICS = {
  closedOnEvent: 'SessionsClosedOnEvent',
  closedOnSchedule: 'SessionsClosedOnSchedule',
  lateEvents: 'SessionLateEvents',
} as const;
