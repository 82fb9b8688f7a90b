/**
 * The demo's model: generated workload events, the independent tally of their expected effects, what the
 * verifier reads back from the sinks, and the summary it prints.
 */

import type { SessionCounts, StoredSession } from '../../lambdas/kafka-to-dynamodb/sessions/readSessions';
import type { Session } from '../../lambdas/kafka-to-dynamodb/sessions/types';
import type { HistoryEntry } from '../../lambdas/kafka-to-dynamodb/stateAsOf';

/** A page view or product click, produced straight to the `clickstream` topic. */
export interface ClickEvent {
  readonly kind: 'click';
  readonly eventId: string;
  readonly page: string;
  readonly userId: string;
  /** Present on product clicks only (the leaderboard mapping filters on it). */
  readonly productId?: string;
  /** Items added; 0 for a plain page view so the aggregate's sum has a value on every event. */
  readonly quantity: number;
  readonly ts: number;
  /** The funnel step (`view`, `cart`, ...) of a known journey's page view; other clicks carry none. */
  readonly action?: string;
}

/** A device reading, written to the telemetry source table (changes travel via Kinesis). */
export interface TelemetryEvent {
  readonly kind: 'telemetry';
  readonly deviceId: string;
  /** Epoch ms; strictly increasing per device, so every reading is a new item. */
  readonly ts: number;
  readonly temperature: number;
  readonly humidity: number;
  readonly battery: number;
}

/** A user session written to the sessions table: started (seq 1), updated (seq + 1) or ended (deleted). */
export interface SessionEvent {
  readonly kind: 'session';
  readonly action: 'start' | 'update' | 'end';
  readonly sessionId: string;
  readonly userId: string;
  /** Number of start/update writes so far; the item carries it, so the cache shows which write it holds. */
  readonly seq: number;
  readonly page: string;
  readonly email: string;
  readonly ipAddress: string;
  readonly ts: number;
}

/** A product written to the products table; `rev` counts its writes. */
export interface ProductEvent {
  readonly kind: 'product';
  readonly productId: string;
  readonly name: string;
  readonly price: number;
  readonly stock: number;
  readonly rev: number;
}

export type OrderStatus = 'created' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

/** One event of an order's event stream (item `orderId` + `version` in the order-events table). */
export interface OrderEvent {
  readonly kind: 'order';
  readonly orderId: string;
  readonly version: number;
  readonly eventId: string;
  readonly status: OrderStatus;
  /** Set by the `created` event only: the state mapping merges it forward. */
  readonly amount?: number;
  readonly customerId?: string;
  /** Who made the change: the customer for `created`, else the service that moved the order on. */
  readonly actor: string;
  readonly ts: number;
}

/**
 * A temperature reading of an alerting device, produced straight to the readings topic keyed by device (a
 * device bridge would: MQTT to Kafka), so each device's readings stay in order on one partition.
 */
export interface ReadingEvent {
  readonly kind: 'reading';
  readonly deviceId: string;
  /** Epoch ms; strictly increasing per device. */
  readonly ts: number;
  readonly temperature: number;
}

export type PoisonVariant = 'click-not-json' | 'product-schema';

/**
 * A bad record: raw bytes that are not JSON on the clickstream topic (both Kafka sinks must dead-letter
 * it), or a product that violates the products table's JSON schema (the change bridge must dead-letter it).
 */
export interface PoisonEvent {
  readonly kind: 'poison';
  readonly variant: PoisonVariant;
  /** Unique text carried in the record, found again in the dead letter's payload. */
  readonly marker: string;
}

export type DemoEvent =
  | ClickEvent
  | TelemetryEvent
  | SessionEvent
  | ProductEvent
  | OrderEvent
  | ReadingEvent
  | PoisonEvent;

export type DemoEventKind = DemoEvent['kind'];

/** What one check compared, in event units (how many generated events it accounts for). */
export interface EffectCheck {
  /** `redis:page-views`, `dynamodb:order-state`, ... */
  readonly effect: string;
  readonly kind: DemoEventKind;
  /** Events whose effect this check covers. */
  readonly expected: number;
  readonly lost: number;
  readonly doubleApplied: number;
  /** Events whose effect this check could not confirm either way (a session key that may have expired). */
  readonly unverified: number;
  /** Events whose effect was past its TTL when verified (expired, so neither lost nor verified). */
  readonly expired: number;
  /** Content differences that are neither a missing nor a repeated effect (wrong field, no TTL...). */
  readonly mismatched: number;
  /** A few human-readable examples of what differed. */
  readonly examples: readonly string[];
  /** Events this check expects dead-lettered and found so, with their reason (a page view past the lateness). */
  readonly deadLettered?: number;
}

/** Nearest-rank percentiles of a set of latency samples (`latencyPercentiles`), and the probes that timed out. */
export interface LatencyPercentiles {
  readonly samples: number;
  readonly timeouts: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface LatencySummary extends LatencyPercentiles {
  /** Latency growth over the run (`latencyTrend`), when the tracker had enough probes. */
  readonly trendMs?: number | null;
  /**
   * By path (the event kind and the sink its probe read, e.g. `telemetry→dynamodb series`): the paths differ by their
   * hops and batching windows, so the overall tail is mostly the slowest path's.
   */
  readonly byPath?: Readonly<Record<string, PathLatency>>;
  /**
   * The probes of the events written in the run's first `ms` (servers, JIT compilers and connections warming
   * up), apart from the figures above; absent when the run has no warm-up.
   */
  readonly warmup?: LatencyWarmup;
}

export interface LatencyWarmup extends LatencyPercentiles {
  readonly ms: number;
}

export interface PathLatency {
  readonly samples: number;
  readonly p50: number | null;
  readonly p99: number | null;
  /** Probes of this path that never saw their effect (absent when none). */
  readonly timeouts?: number;
}

export interface DeadLetterSummary {
  /** Dead-letter messages of this run (matching a poison marker or the run tag). */
  readonly messages: number;
  /** Reason → count. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Messages sent by an event source mapping's on-failure destination during the run (batches given up). */
  readonly onFailureBatches: number;
  /** Dead letters naming a valid (non-poison) event of this run. */
  readonly unexpected: number;
}

/**
 * One event kind's accounting: `applied + deadLettered + lost + unverified + expired = events`. `lost` and
 * `doubleApplied` count distinct events (an event missing from two sinks is one lost event).
 */
export interface KindAccounting {
  readonly events: number;
  readonly applied: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly unverified: number;
  /** Events past their TTL at the verification (see {@link EffectCheck.expired}). */
  readonly expired: number;
  readonly doubleApplied: number;
}

/** The result printed at the end (and as one JSON object with `--json`). */
export interface DemoSummary {
  readonly runTag: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly events: number;
  readonly eventsByKind: Readonly<Record<DemoEventKind, number>>;
  readonly applied: number;
  readonly deadLettered: number;
  readonly lost: number;
  /** Events no check could confirm or refute (not counted as applied). */
  readonly unverified: number;
  /** Events past their TTL when verified: reported apart, neither lost nor applied. */
  readonly expired: number;
  readonly doubleApplied: number;
  readonly mismatched: number;
  readonly byKind: Readonly<Record<DemoEventKind, KindAccounting>>;
  /** Why the run failed beyond the counts above (no events at all, nothing verified). */
  readonly failures: readonly string[];
  readonly latencyMs: LatencySummary;
  readonly deadLetters: DeadLetterSummary;
  readonly checks: readonly EffectCheck[];
  readonly ok: boolean;
}

/** A session hash as read back from Redis. */
export interface ObservedSession {
  readonly exists: boolean;
  readonly fields: Readonly<Record<string, string>>;
  /** Redis TTL: seconds left, -1 without expiry, -2 when the key is missing. */
  readonly ttlSeconds: number;
}

/** A stream entry the reader saw at some pass of the run. */
export interface ObservedStreamEntry {
  /** Redis stream entry id (`ms-seq`). */
  readonly id: string;
  /** The reading's `ts` field (the reading's identity within its device's stream). */
  readonly ts?: number;
  /** Still in the stream at the latest pass. */
  readonly present: boolean;
}

/**
 * A capped stream as read over the whole run: each pass reads the entries added since the previous one, so
 * an entry is seen before the cap (`MAXLEN ~`) trims it, and `added` (XINFO STREAM `entries-added`, which
 * trimming never lowers) says whether any entry was added and trimmed between two passes unseen.
 */
export interface ObservedStream {
  /** Entries in the stream now (XLEN). */
  readonly length: number;
  /** Entries ever added to the key. */
  readonly added: number;
  /** Every entry read during the run, oldest first. */
  readonly entries: readonly ObservedStreamEntry[];
  /** Id of the oldest entry in the stream now (entries older than it were trimmed or deleted). */
  readonly firstId?: string;
}

/** A message read from a dead-letter or on-failure queue. */
export interface DeadLetterMessage {
  readonly queueUrl: string;
  readonly messageId: string;
  readonly body: string;
  readonly reason?: string;
  readonly errorType?: string;
  readonly handler?: string;
}

/** An alert message read from the threshold mapping's alert topic, in topic order per device. */
export interface ObservedAlert {
  /** The `streambridge-alert-id` header. */
  readonly id: string;
  readonly key: string;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly value: number;
}

/** What the threshold mapping shows for this run's devices: its alert messages and its current alert set. */
export interface ObservedAlerts {
  /** Every message of this run's devices on the alert topic, per partition in offset order. */
  readonly messages: readonly ObservedAlert[];
  /** Device → its entry in the mapping's current alert set (JSON), for the devices that have one. */
  readonly current: ReadonlyMap<string, string>;
}

/** A HyperLogLog key as {@link readUniqueCounts} reads it (every count is a PFCOUNT). */
export interface ObservedUnique {
  /** The sink's key. */
  readonly count: number;
  /** Adding the expected elements to a copy of the sink's key changed it: some expected element is absent. */
  readonly missingSome: boolean;
  /** That copy after adding them. */
  readonly countWithExpected: number;
  /** A HyperLogLog of exactly the expected elements (the sink's key reads this when it holds just those). */
  readonly expectedCount: number;
}

/** What the sinks hold for the tally's keys, read by the verifier's reader. */
export interface ObservedState {
  readonly counters: ReadonlyMap<string, number | null>;
  readonly leaderboards: ReadonlyMap<string, ReadonlyMap<string, number | null>>;
  readonly uniques: ReadonlyMap<string, ObservedUnique>;
  /** By session id. */
  readonly sessions: ReadonlyMap<string, ObservedSession>;
  /** Product cache entries by product id, decoded (JSON string or hash). */
  readonly cache: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;
  readonly streams: ReadonlyMap<string, ObservedStream>;
  /** Time-series partition key → the `ts` of every item under it (a repeated ts is a double write). */
  readonly series: ReadonlyMap<string, readonly number[]>;
  /** By `aggregateId(pk, sk)` of the tally. */
  readonly aggregates: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;
  readonly orders: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;
  /** The history entries of the sampled orders (`historySample`), by order id, when the state keeps history. */
  readonly orderHistories?: ReadonlyMap<string, readonly HistoryEntry[]>;
  readonly replica: ReadonlyMap<string, Readonly<Record<string, unknown>> | null>;
  /** The clickstream's sessions and funnel, when the pipeline has a `sessions` mapping on it. */
  readonly clickSessions?: ObservedClickSessions;
  /** The threshold mapping's alerts, when the run reads them. */
  readonly alerts?: ObservedAlerts;
  readonly deadLetters: readonly DeadLetterMessage[];
  readonly onFailureMessages: number;
}

/** A local server process the live view watches. */
export interface ServerProcess {
  readonly service: string;
  readonly pid: number;
}

/** A reading of one process: cumulative CPU seconds and resident memory. */
export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** What the live view shows per server; `null` while unknown (first sample) or once the process is gone. */
export interface ServerUsage {
  readonly service: string;
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
}

/** What the `sessions` mapping holds for the run's click users and for the days only its journeys touch. */
export interface ObservedClickSessions {
  /** By user: the closed session items and the sessions still open in the user's state item. */
  readonly users: ReadonlyMap<
    string,
    { readonly closed: readonly StoredSession[]; readonly open: readonly Session[] }
  >;
  /** By UTC day: the day's session counters. */
  readonly dayCounts: ReadonlyMap<string, SessionCounts>;
  /** By UTC day: users per funnel step. */
  readonly funnels: ReadonlyMap<string, Readonly<Record<string, number>>>;
}
