/** Types of threshold mappings: a key's alert state, a reading, and the alert a state change emits. */

export type ThresholdStatus = 'ok' | 'alerting' | 'silent';

/** Readings past a bound, in a row, not yet enough to change the state (debounce). */
export interface PendingChange {
  readonly count: number;
  /** Time of the first of them, epoch ms. */
  readonly since: number;
}

/** One key's state, stored as JSON in the mapping's state hash. */
export interface ThresholdState {
  readonly status: ThresholdStatus;
  /** When the current status began, epoch ms. */
  readonly since: number;
  readonly lastValue: number;
  /** Time of the last reading, epoch ms: what silence is measured from. */
  readonly lastAt: number;
  readonly pending: PendingChange | null;
  /** State changes so far: the next alert's sequence number, so alert ids are deterministic. */
  readonly transitions: number;
}

export interface Reading {
  readonly value: number;
  /** Epoch ms. */
  readonly at: number;
}

/** Why a key changed state. */
export type AlertReason = 'above' | 'below' | 'recovered' | 'silent' | 'reading';

/** One state change, as produced to the alert topic. */
export interface AlertEvent {
  /** `<mapping>:<key>:<seq>`: the same transition always has the same id. */
  readonly alertId: string;
  readonly mapping: string;
  readonly key: string;
  /** 1 for the key's first state change, then 2, 3, … */
  readonly seq: number;
  readonly from: ThresholdStatus;
  readonly to: ThresholdStatus;
  readonly reason: AlertReason;
  /** When the new status began, epoch ms. */
  readonly at: number;
  /** The reading that changed it (the last one before silence). */
  readonly value: number;
}

/** The bounds of a threshold mapping, as the evaluator reads them. */
export interface ThresholdRule {
  readonly mapping: string;
  readonly above?: number;
  readonly below?: number;
  readonly recoverBelow?: number;
  readonly recoverAbove?: number;
  readonly forReadings: number;
  readonly forSeconds: number;
  readonly silenceSeconds?: number;
}

/** A key's state after some readings (or a sweep) and the alerts that produced, in order. */
export interface Evaluation {
  readonly state: ThresholdState;
  readonly alerts: readonly AlertEvent[];
}
