/** The soak benchmark's settings: which servers take which faults, its plans, and the memory bound. */

/**
 * Servers whose data survive a SIGKILL (Kafka's log, redis-server's fsynced append-only file): crashed and
 * restarted. moto and kinesis-mock hold their data in memory only (as the managed services they stand in
 * for never lose it), so a crash would end the run rather than test it: they are stalled instead.
 */
export const CRASHABLE_SERVERS = ['kafka', 'redis'] as const;

/** Servers stalled with SIGSTOP / SIGCONT (every local server the default app uses). */
export const STALLABLE_SERVERS = ['kafka', 'redis', 'moto', 'kinesis'] as const;

/**
 * Memory is flat when each server's RSS in the middle and at the end of the measured part stays within
 * this share plus this slack of its RSS at the start (after warm-up). A restarted server is a new process
 * and starts lower, so the bound is on growth only.
 */
export const RSS_BOUND = { growthShare: 0.25, slackMiB: 64 } as const;

/** Share of the sustained end-to-end rate the soak runs at. */
export const SOAK_RATE_SHARE = 0.5;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

export const SOAK_PLANS = {
  /** `npm run bench -- --only soak`: an hour by default, every fault kind on every server, repeatedly. */
  full: {
    durationMs: 60 * MINUTE,
    itemTtlSeconds: 600,
    streamRetentionSeconds: 600,
    /** Item TTL plus stream retention have turned over once: memory should be level from here. */
    warmupMs: 12 * MINUTE,
    drainTimeoutMs: 15 * MINUTE,
    faults: {
      oneOfEach: false,
      firstAtMs: 2 * MINUTE,
      gapMs: [90 * SECOND, 240 * SECOND],
      stallMs: [10 * SECOND, 40 * SECOND],
      downMs: [2 * SECOND, 10 * SECOND],
      quietTailMs: 2 * MINUTE,
    },
    assertMemory: true,
  },
  /** The integration test's few minutes: one fault of each kind, TTLs short enough to see expiry. */
  short: {
    durationMs: 150 * SECOND,
    itemTtlSeconds: 40,
    streamRetentionSeconds: 120,
    warmupMs: 30 * SECOND,
    drainTimeoutMs: 4 * MINUTE,
    faults: {
      oneOfEach: true,
      firstAtMs: 20 * SECOND,
      gapMs: [30 * SECOND, 35 * SECOND],
      stallMs: [10 * SECOND, 15 * SECOND],
      downMs: [2 * SECOND, 3 * SECOND],
      quietTailMs: 20 * SECOND,
    },
    // A few minutes say nothing about growth; the hour does.
    assertMemory: false,
  },
} as const;

/** How long a function kill waits for a function process that is running a batch. */
export const BUSY_FUNCTION_WAIT_MS = 2 * MINUTE;

/** How long the TTL-envelope count may take to catch up with the change topics after the drain. */
export const ENVELOPE_CATCH_UP_MS = 3 * MINUTE;
