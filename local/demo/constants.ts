/** Defaults and fixed names of the demo workload (the reference pipeline in `streambridge.config.ts`). */

/** Source tables and the event topic the demo writes to. */
export const DEMO_SOURCES = {
  telemetry: 'sb-telemetry',
  sessions: 'sb-sessions',
  products: 'sb-products',
  orders: 'sb-order-events',
  clickstream: 'clickstream',
  /** Temperature readings of the alerting devices, produced straight to Kafka keyed by device. */
  readings: 'device-readings',
} as const;

/** Share of each kind in the generated workload. */
export const WORKLOAD_MIX = {
  click: 40,
  telemetry: 25,
  session: 15,
  product: 10,
  order: 10,
  reading: 10,
} as const;

/** Entity pools: small enough that keys repeat (counters, versions), large enough to spread partitions. */
export const WORKLOAD_POOLS = {
  pages: ['home', 'search', 'product', 'cart', 'checkout', 'account', 'deals', 'help'],
  users: 400,
  devices: 20,
  products: 30,
  maxOpenSessions: 60,
  maxOpenOrders: 120,
  /** Share of clicks that are product clicks (carry productId and quantity). */
  productClickShare: 0.35,
  maxQuantity: 5,
  /** Chance that an update of a session with seq ≥ 3 ends it instead. */
  sessionEndChance: 0.15,
  /** Devices whose temperature readings drift over the alert threshold and back. */
  sensors: 6,
  /** The first of them goes silent after this many readings (the silence alert). */
  sensorSilentAfter: 8,
} as const;

/** The sensors' temperature: a triangle wave per device (seeded period and phase) plus a little noise. */
export const SENSOR_WAVE = {
  /** Readings per period, drawn per device in this range. */
  minPeriod: 16,
  maxPeriod: 30,
  mid: 60,
  amplitude: 28,
  /** Peak-to-peak noise, less than the hysteresis band (10) so a crossing does not flap. */
  noise: 3,
} as const;

/**
 * A silence is due (its alert must be on the topic) this long after it began plus one sweep period: the
 * sweep's run, its commit and the alert's send take well under it.
 */
export const SILENCE_DUE_SLACK_MS = 15_000;

export const ORDER_FLOW = ['created', 'paid', 'shipped', 'delivered'] as const;

/** Who moves an order to each status after `created` (which its customer makes): the history's actors. */
export const ORDER_ACTORS = {
  paid: 'payments',
  shipped: 'warehouse',
  delivered: 'carrier',
  cancelled: 'customer-service',
} as const;

/** Orders whose history the verifier folds and compares, at most (a deterministic sample of the run's). */
export const HISTORY_SAMPLE_SIZE = 64;

/** Run flags' defaults. */
export const DEMO_DEFAULTS = {
  /**
   * Events per second when no `--rate` is given: 35–60 % of the typical end-to-end sustained rate of the
   * kept bench runs, the median of the newest five (a unit test holds it there), so a newcomer's run keeps
   * up with room to spare.
   */
  rate: 200,
  /** How long to wait after the last write for the sinks to catch up before verifying. */
  drainTimeoutMs: 180_000,
  /** The drain ends early when nothing changed in the sinks for this long. */
  settleMs: 20_000,
  /** Live view refresh. */
  viewIntervalMs: 1_000,
  /** Latency probes started per second (each polls one event's effect until visible). */
  probesPerSecond: 8,
  maxProbesInFlight: 8,
  probePollMs: 50,
  probeTimeoutMs: 60_000,
  /**
   * The first this many ms of a demo run are its latency warm-up, reported apart in the summary: the
   * functions are warm before the run starts, but the first batches still pay for connections, JIT
   * compilation in the servers and the consumers' first fetches (a 7-minute default run: p95 3.9 s over its
   * first 16 s, 2.4 s over the whole run). At most a quarter of a run of known length.
   */
  latencyWarmupMs: 20_000,
  /**
   * How long the demo's items live (the TTL attribute of readings and order events; the time series and
   * order states keep it): a run left going stays flat, and a run of known length gets longer (see
   * `demoItemTtlSeconds`). docs/local-fidelity.md explains the choice.
   */
  itemTtlSeconds: 900,
  /** Stream retention of a moto the demo starts (unless STREAMBRIDGE_STREAM_RETENTION_SECONDS says otherwise). */
  streamRetentionSeconds: 600,
} as const;

/** Process exit codes of `streambridge local --demo`. */
export const DEMO_EXIT_CODES = {
  ok: 0,
  /** Lost, double-applied or mismatched effects. */
  failed: 1,
  usage: 2,
} as const;

/** The known clickstream journeys (`journeys.ts`): their count, shapes and the days they may fall on. */
export const JOURNEYS = {
  users: 12,
  /** Mixed into the seed so the journeys' shapes do not shift the rest of the workload's draws. */
  seedSalt: 0x5e55,
  /**
   * The journeys' day is one of `days` days from this one (UTC midnight), picked by the run tag. In the future:
   * a session item's TTL is its end plus the mapping's `retentionDays`, which the local moto enforces, and the
   * schedule must not close a journey's session while the rest of it is still on its way.
   */
  firstDayMs: Date.UTC(2090, 0, 1),
  days: 3_650,
  /** Journeys start between this hour of their day and an hour later. */
  startHourMs: 9 * 3_600_000,
  maxSessions: 3,
  maxPages: 6,
  /** Seconds between two views of a session (always below the inactivity gap). */
  minPageSeconds: 20,
  maxPageSeconds: 300,
  /** Seconds beyond the inactivity gap between two sessions of a user. */
  minExtraGapSeconds: 300,
  maxExtraGapSeconds: 5_400,
  /** How far past the lateness the too-late view is. */
  tooLateBySeconds: 600,
  /** One journey click per this many generated events while journeys remain (without a known total). */
  spacing: 7,
} as const;
