/** The soak benchmark's model: its plan, its faults, and the result file it writes. */
import type { CRASHABLE_SERVERS, STALLABLE_SERVERS } from './constants';

export type CrashableServer = (typeof CRASHABLE_SERVERS)[number];
export type StallableServer = (typeof STALLABLE_SERVERS)[number];

export interface FaultPlan {
  /** Exactly one crash, one stall and one function kill (the short version); else rounds of every kind. */
  readonly oneOfEach: boolean;
  readonly firstAtMs: number;
  /** Random gap between two faults, [min, max] ms. */
  readonly gapMs: readonly [number, number];
  readonly stallMs: readonly [number, number];
  /** How long a crashed server stays down before its restart. */
  readonly downMs: readonly [number, number];
  /** No fault starts this close to the end of the workload. */
  readonly quietTailMs: number;
}

export interface SoakPlan {
  readonly durationMs: number;
  readonly itemTtlSeconds: number;
  readonly streamRetentionSeconds: number;
  /** RSS "start" is read at this point, "middle" halfway from here to the end. */
  readonly warmupMs: number;
  readonly drainTimeoutMs: number;
  readonly faults: FaultPlan;
  /** Fail the run when a server's memory grew beyond RSS_BOUND. */
  readonly assertMemory: boolean;
}

export interface Fault {
  readonly atMs: number;
  readonly kind: `crash:${CrashableServer}` | `stall:${StallableServer}` | 'kill:function';
  /** Stall length or down time (0 for a function kill). */
  readonly ms: number;
}

/** A fault as it happened. */
export interface FaultOutcome extends Fault {
  /** Seconds into the run it started. */
  readonly startedAtS: number;
  /** What was hit (server pid, or function name and pid). */
  readonly target?: string;
  readonly error?: string;
}

export interface ServerRss {
  readonly startMiB: number | null;
  readonly middleMiB: number | null;
  readonly endMiB: number | null;
  readonly flat: boolean;
}

export interface SoakResult {
  readonly kind: 'soak';
  readonly date: string;
  readonly host: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    /** 1-minute load average when the run started (the machine is shared). */
    readonly loadAverage: number;
  };
  readonly rate: number;
  /** Where the rate came from (the kept result's sustained rate, or `--rate`). */
  readonly rateSource: string;
  readonly seed: number;
  readonly durationSeconds: number;
  readonly itemTtlSeconds: number;
  readonly streamRetentionSeconds: number;
  readonly warmupSeconds: number;
  readonly events: number;
  readonly achievedRate: number;
  readonly applied: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly doubleApplied: number;
  readonly mismatched: number;
  readonly expired: number;
  readonly unverified: number;
  readonly drainSeconds: number;
  readonly faults: readonly FaultOutcome[];
  readonly rssMiB: Readonly<Record<string, ServerRss>>;
  readonly rssBound: { readonly growthShare: number; readonly slackMiB: number };
  /** Change envelopes with `ttlExpired: true` the bridges put on the change topics, by topic. */
  readonly ttlExpiredEnvelopes: {
    readonly total: number;
    readonly byTopic: Readonly<Record<string, number>>;
  };
  readonly changeEnvelopes: number;
  /** Why the run failed (empty when it passed). */
  readonly failures: readonly string[];
  readonly ok: boolean;
}
