/**
 * The rule of a threshold mapping as pure functions: a key's readings in order turn into its next state and
 * the alerts of each state change (debounce by readings and seconds, hysteresis), and a sweep turns keys
 * without a reading for `silenceSeconds` silent. The Redis side only stores what these return, atomically.
 */
import type {
  AlertEvent,
  AlertReason,
  Evaluation,
  Reading,
  ThresholdRule,
  ThresholdState,
  ThresholdStatus,
} from './types';

/** A reading past the alert bound: above `above` or below `below`. */
export function breaches(rule: ThresholdRule, value: number): AlertReason | undefined {
  if (rule.above !== undefined && value > rule.above) return 'above';
  if (rule.below !== undefined && value < rule.below) return 'below';
  return undefined;
}

/** A reading back inside the recovery band: at or below `recoverBelow` (default `above`), at or above `recoverAbove` (default `below`). */
export function recovers(rule: ThresholdRule, value: number): boolean {
  const upper = rule.recoverBelow ?? rule.above;
  const lower = rule.recoverAbove ?? rule.below;
  return (upper === undefined || value <= upper) && (lower === undefined || value >= lower);
}

function transition(
  rule: ThresholdRule,
  key: string,
  state: ThresholdState,
  to: ThresholdStatus,
  reason: AlertReason,
  at: number,
  value: number,
): { state: ThresholdState; alert: AlertEvent } {
  const seq = state.transitions + 1;
  return {
    state: { ...state, status: to, since: at, pending: null, transitions: seq },
    alert: {
      alertId: `${rule.mapping}:${key}:${seq}`,
      mapping: rule.mapping,
      key,
      seq,
      from: state.status,
      to,
      reason,
      at,
      value,
    },
  };
}

/**
 * A key's state after `readings` (in offset order) and the alerts of its state changes. A key never seen
 * starts `ok`; a silent key's next reading recovers it to `ok` first, then counts like any other.
 *
 * @example
 * ```ts
 * const rule = { mapping: 'temp', above: 80, recoverBelow: 70, forReadings: 2, forSeconds: 0 };
 * evaluateReadings(rule, 'd1', undefined, [{ value: 85, at: 1 }, { value: 90, at: 2 }]).alerts;
 * // [{ alertId: 'temp:d1:1', from: 'ok', to: 'alerting', reason: 'above', at: 2, value: 90, … }]
 * ```
 */
export function evaluateReadings(
  rule: ThresholdRule,
  key: string,
  previous: ThresholdState | undefined,
  readings: readonly Reading[],
): Evaluation {
  const alerts: AlertEvent[] = [];
  let state: ThresholdState | undefined = previous;
  for (const { value, at } of readings) {
    if (!state) {
      state = { status: 'ok', since: at, lastValue: value, lastAt: at, pending: null, transitions: 0 };
    }
    const lastAt = Math.max(state.lastAt, at);
    state = { ...state, lastValue: value, lastAt };
    if (state.status === 'silent') {
      const changed = transition(rule, key, state, 'ok', 'reading', at, value);
      state = changed.state;
      alerts.push(changed.alert);
    }
    const reason =
      state.status === 'ok' ? breaches(rule, value) : recovers(rule, value) ? 'recovered' : undefined;
    if (!reason) {
      state = { ...state, pending: null };
      continue;
    }
    const pending = { count: (state.pending?.count ?? 0) + 1, since: state.pending?.since ?? at };
    if (pending.count >= rule.forReadings && at - pending.since >= rule.forSeconds * 1000) {
      const changed = transition(
        rule,
        key,
        state,
        state.status === 'ok' ? 'alerting' : 'ok',
        reason,
        at,
        value,
      );
      state = changed.state;
      alerts.push(changed.alert);
    } else {
      state = { ...state, pending };
    }
  }
  if (!state) throw new RangeError('evaluateReadings needs a previous state or at least one reading');
  return { state, alerts };
}

/**
 * A key's state at `now` for the silence sweep: silent (with an alert) when it had no reading for
 * `silenceSeconds`; unchanged otherwise, or when the rule has no silence.
 *
 * @example
 * ```ts
 * evaluateSilence({ ...rule, silenceSeconds: 60 }, 'd1', state, state.lastAt + 60_000).alerts[0]?.to; // 'silent'
 * ```
 */
export function evaluateSilence(
  rule: ThresholdRule,
  key: string,
  state: ThresholdState,
  now: number,
): Evaluation {
  if (rule.silenceSeconds === undefined || state.status === 'silent') return { state, alerts: [] };
  const silentAt = state.lastAt + rule.silenceSeconds * 1000;
  if (now < silentAt) return { state, alerts: [] };
  const changed = transition(rule, key, state, 'silent', 'silent', silentAt, state.lastValue);
  return { state: changed.state, alerts: [changed.alert] };
}
