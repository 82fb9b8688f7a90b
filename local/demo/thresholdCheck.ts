/**
 * The threshold mapping's check: from the tally's readings alone, each sensor's state changes (debounce,
 * hysteresis, silence) recomputed here, then compared with the alert messages on the alert topic (each
 * transition once, in order, nothing else) and with the mapping's current alert set in Redis. A silence
 * depends on when the sweep ran: one on the topic is taken where the readings allow it, and one is required
 * once it is due (a sweep period and a slack after it began). Pure: the reader does the I/O.
 *
 * @example
 * ```ts
 * const findings = thresholdCheck({ pipeline, expectation, observed, now: Date.now() });
 * findings?.missing; // [] when every transition is on the topic
 * ```
 */
import { THRESHOLD_DEFAULTS } from '../../lambdas/kafka-to-redis/thresholds/constants';
import { nextFireTime, parseScheduleExpression } from '../runtime/schedules/scheduleExpression';
import { SILENCE_DUE_SLACK_MS } from './constants';
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type { ObservedAlert, ObservedState, ReadingEvent } from './types';

export interface ThresholdCheckInput {
  readonly pipeline: DemoPipeline;
  readonly expectation: Expectation;
  readonly observed: ObservedState;
  /** Verification time, epoch ms. */
  readonly now: number;
}

/** What differs, with the readings that caused each missing or repeated transition. */
export interface ThresholdFindings {
  /** Readings checked (every reading of every sensor). */
  readonly expected: number;
  readonly readingIds: readonly string[];
  readonly missing: readonly { readonly ids: readonly string[]; readonly example: string }[];
  readonly repeated: readonly { readonly ids: readonly string[]; readonly example: string }[];
  readonly differences: readonly string[];
}

type Status = 'ok' | 'alerting' | 'silent';

interface Transition {
  readonly seq: number;
  readonly from: Status;
  readonly to: Status;
  readonly at: number;
  readonly value: number;
  /** The reading that caused it (for a silence: the last reading before it). */
  readonly cause: string;
}

/** Id of a reading in the check's accounting. */
export function sensorReadingId(reading: Pick<ReadingEvent, 'deviceId' | 'ts'>): string {
  return `${reading.deviceId}@${reading.ts}`;
}

/** The transitions of one sensor, silences taken from `observed` (by seq) where the readings allow them. */
function transitions(
  pipeline: DemoPipeline,
  readings: readonly ReadingEvent[],
  observed: ReadonlyMap<number, ObservedAlert>,
  now: number,
): { transitions: Transition[]; status: Status; lastValue?: number; pendingSilenceAt?: number } {
  const rule = pipeline.redis.threshold;
  const forReadings = rule.forReadings ?? THRESHOLD_DEFAULTS.forReadings;
  const forMs = (rule.forSeconds ?? THRESHOLD_DEFAULTS.forSeconds) * 1000;
  const upper = rule.recoverBelow ?? rule.above;
  const lower = rule.recoverAbove ?? rule.below;
  const past = (status: Status, value: number): boolean =>
    status === 'ok'
      ? (rule.above !== undefined && value > rule.above) || (rule.below !== undefined && value < rule.below)
      : (upper === undefined || value <= upper) && (lower === undefined || value >= lower);
  const out: Transition[] = [];
  // Widened: `change` assigns it, which control-flow narrowing does not see.
  let status = 'ok' as Status;
  let count = 0;
  let since = 0;
  const change = (to: Status, at: number, value: number, cause: string) => {
    out.push({ seq: out.length + 1, from: status, to, at, value, cause });
    status = to;
    count = 0;
  };
  const silenceAt = (last: ReadingEvent): number | undefined =>
    rule.silenceSeconds === undefined || status === 'silent'
      ? undefined
      : last.ts + rule.silenceSeconds * 1000;
  const observedSilence = (at: number | undefined): boolean => {
    const alert = observed.get(out.length + 1);
    return at !== undefined && at <= now && alert?.to === 'silent' && alert.at === at;
  };
  let previous: ReadingEvent | undefined;
  for (const reading of readings) {
    if (previous) {
      const at = silenceAt(previous);
      if (observedSilence(at))
        change('silent', at as number, previous.temperature, sensorReadingId(previous));
    }
    previous = reading;
    const id = sensorReadingId(reading);
    if (status === 'silent') change('ok', reading.ts, reading.temperature, id);
    if (!past(status, reading.temperature)) {
      count = 0;
      continue;
    }
    if (count === 0) since = reading.ts;
    count += 1;
    if (count >= forReadings && reading.ts - since >= forMs)
      change(status === 'ok' ? 'alerting' : 'ok', reading.ts, reading.temperature, id);
  }
  if (!previous) return { transitions: out, status };
  const lastValue = previous.temperature;
  const at = silenceAt(previous);
  if (at === undefined || at > now) return { transitions: out, status, lastValue };
  const sweep = nextFireTime(parseScheduleExpression(rule.schedule ?? THRESHOLD_DEFAULTS.schedule), at);
  const due = sweep !== undefined && now >= sweep + SILENCE_DUE_SLACK_MS;
  if (observedSilence(at) || due) {
    change('silent', at, previous.temperature, sensorReadingId(previous));
    return { transitions: out, status, lastValue };
  }
  // Not due yet: the sweep may have committed it to Redis and not sent it yet.
  return { transitions: out, status, lastValue, pendingSilenceAt: at };
}

function describe(t: Pick<ObservedAlert, 'seq' | 'from' | 'to' | 'at' | 'value'>): string {
  return `#${t.seq} ${t.from}>${t.to} at ${t.at} (${t.value})`;
}

/** The check's findings; undefined when the run read no alerts (nothing to compare). */
export function thresholdCheck(input: ThresholdCheckInput): ThresholdFindings | undefined {
  const { pipeline, expectation, observed, now } = input;
  const readingIds = [...expectation.readings.values()].flat().map(sensorReadingId);
  if (!observed.alerts) return undefined;
  const mapping = pipeline.redis.threshold.name;
  const missing: { ids: string[]; example: string }[] = [];
  const repeated: { ids: string[]; example: string }[] = [];
  const differences: string[] = [];
  const byKey = new Map<string, ObservedAlert[]>();
  for (const alert of observed.alerts.messages) {
    const mine = byKey.get(alert.key);
    if (mine) mine.push(alert);
    else byKey.set(alert.key, [alert]);
  }
  for (const [deviceId, readings] of expectation.readings) {
    const key = pipeline.redis.threshold.keyT.render({ fields: { deviceId }, meta: {} });
    const messages = byKey.get(key) ?? [];
    byKey.delete(key);
    // A consumer de-duplicates on the alert id (one per transition, `<mapping>:<key>:<seq>`), as the sink's
    // contract asks: a second copy of an id (a send retried after a broker crash, or re-sent after a crash
    // between the send and the outbox delete) is absorbed, as it is by any consumer. A transition applied
    // twice by the sink has a second seq, hence a second id: that is double-applied, below.
    const bySeq = new Map<number, ObservedAlert>();
    const order: number[] = [];
    for (const alert of messages) {
      if (bySeq.has(alert.seq)) continue;
      bySeq.set(alert.seq, alert);
      order.push(alert.seq);
    }
    const result = transitions(pipeline, readings, bySeq, now);
    const expected = new Map(result.transitions.map((t) => [t.seq, t]));
    if (order.some((seq, i) => i > 0 && seq < (order[i - 1] as number)))
      differences.push(`${key}: alerts out of order on the topic (seq ${order.join(', ')})`);
    for (const t of result.transitions) {
      const got = bySeq.get(t.seq);
      if (!got) {
        missing.push({ ids: [t.cause], example: `${key}: transition ${describe(t)} not on the topic` });
        continue;
      }
      if (got.id !== `${mapping}:${key}:${t.seq}`)
        differences.push(`${key}: alert #${t.seq} has id ${got.id}`);
      if (got.from !== t.from || got.to !== t.to || got.at !== t.at || got.value !== t.value)
        differences.push(`${key}: alert ${describe(got)}, expected ${describe(t)}`);
    }
    for (const seq of order) {
      if (expected.has(seq)) continue;
      const extra = bySeq.get(seq) as ObservedAlert;
      const again = result.transitions.find(
        (t) => t.from === extra.from && t.to === extra.to && t.at === extra.at && t.value === extra.value,
      );
      if (again)
        repeated.push({
          ids: [again.cause],
          example: `${key}: transition ${describe(again)} alerted again as #${seq}`,
        });
      else differences.push(`${key}: unexpected alert ${describe(extra)}`);
    }
    differences.push(...currentAlertDifferences(key, result, observed.alerts.current.get(key)));
  }
  for (const [key, alerts] of byKey)
    differences.push(`${key}: ${alerts.length} alerts for a device that sent no reading`);
  return { expected: readingIds.length, readingIds, missing, repeated, differences };
}

/** The device's entry in the current alert set (status, since, last value) against its state; none when ok. */
function currentAlertDifferences(
  key: string,
  result: ReturnType<typeof transitions>,
  stored: string | undefined,
): string[] {
  const last = result.transitions.at(-1);
  const got = stored === undefined ? undefined : (JSON.parse(stored) as Record<string, unknown>);
  if (got?.status === 'silent' && got.since === result.pendingSilenceAt) return [];
  if (result.status === 'ok' || !last) {
    return got ? [`${key}: in the current alert set (${stored}) but ok`] : [];
  }
  if (!got) return [`${key}: ${result.status} but not in the current alert set`];
  if (got.status !== result.status || got.since !== last.at || got.value !== result.lastValue)
    return [
      `${key}: current alert ${stored}, expected ${result.status} since ${last.at} (${result.lastValue})`,
    ];
  return [];
}
