import type { HistoryEntry } from '../../../lambdas/kafka-to-dynamodb/stateAsOf';
import { evaluateReadings } from '../../../lambdas/kafka-to-redis/thresholds/evaluateThreshold';
import type { ThresholdRule } from '../../../lambdas/kafka-to-redis/thresholds/types';
/**
 * Factories for the demo's unit tests: the reference pipeline, events, and an observed sink state that
 * holds exactly what a tally expects (tests then break it in one place).
 */
import { demoPipeline } from '../../../local/demo/demoPipeline';
import type { Expectation } from '../../../local/demo/Tally';
import type {
  ClickEvent,
  DeadLetterMessage,
  ObservedAlert,
  ObservedAlerts,
  ObservedSession,
  ObservedState,
  ObservedStream,
  ObservedStreamEntry,
  ObservedUnique,
  OrderEvent,
  SessionEvent,
} from '../../../local/demo/types';
import config from '../../../streambridge.config';

export const pipeline = demoPipeline(config);

/** 2026-11-26T09:30:00Z */
export const T0 = Date.UTC(2026, 10, 26, 9, 30, 0);

export function click(overrides: Partial<ClickEvent> = {}): ClickEvent {
  return { kind: 'click', eventId: 'c1', page: 'home-t', userId: 'u1', quantity: 0, ts: T0, ...overrides };
}

export function session(overrides: Partial<SessionEvent> = {}): SessionEvent {
  return {
    kind: 'session',
    action: 'start',
    sessionId: 't-s1',
    userId: 'u1',
    seq: 1,
    page: 'home-t',
    email: 'user1@example.com',
    ipAddress: '10.0.0.1',
    ts: T0,
    ...overrides,
  };
}

export function order(overrides: Partial<OrderEvent> = {}): OrderEvent {
  return {
    kind: 'order',
    orderId: 't-o1',
    version: 1,
    eventId: 't-o1-v1',
    status: 'created',
    actor: 'u1',
    ts: T0,
    ...overrides,
  };
}

export interface MutableObserved {
  orderHistories?: Map<string, HistoryEntry[]>;
  counters: Map<string, number | null>;
  leaderboards: Map<string, Map<string, number | null>>;
  uniques: Map<string, ObservedUnique>;
  sessions: Map<string, ObservedSession>;
  cache: Map<string, Record<string, unknown> | null>;
  streams: Map<string, ObservedStream>;
  series: Map<string, number[]>;
  aggregates: Map<string, Record<string, unknown> | null>;
  orders: Map<string, Record<string, unknown> | null>;
  replica: Map<string, Record<string, unknown> | null>;
  alerts?: ObservedAlerts;
  deadLetters: DeadLetterMessage[];
  onFailureMessages: number;
}

/** A HyperLogLog key holding exactly its expected elements (Redis's estimate taken as exact here). */
export function perfectUnique(count: number): ObservedUnique {
  return { count, missingSome: false, countWithExpected: count, expectedCount: count };
}

/**
 * A stream as the reader sees it when entries carrying these `ts` are appended in this order, trimmed to
 * the newest `cap` (MAXLEN), and read every `readEvery` appends and once at the end.
 */
export function cappedStream(
  appended: readonly number[],
  { cap = pipeline.redis.stream.maxLength, readEvery = 100 } = {},
): ObservedStream {
  const stream: { id: string; ts: number }[] = [];
  const seen = new Map<string, { id: string; ts: number; present: boolean }>();
  const read = () => {
    for (const entry of stream) if (!seen.has(entry.id)) seen.set(entry.id, { ...entry, present: true });
  };
  appended.forEach((ts, i) => {
    stream.push({ id: `${T0 + i}-0`, ts });
    if (stream.length > cap) stream.splice(0, stream.length - cap);
    if ((i + 1) % readEvery === 0) read();
  });
  read();
  const ids = new Set(stream.map((e) => e.id));
  const entries: ObservedStreamEntry[] = [...seen.values()].map((e) => ({ ...e, present: ids.has(e.id) }));
  return { length: stream.length, added: appended.length, entries, firstId: stream[0]?.id };
}

/** An order's history as the sink writes it (a snapshot every 10 versions, as the reference pipeline). */
export function historyOf(events: readonly OrderEvent[]): HistoryEntry[] {
  let state: Record<string, unknown> = {};
  return events.map(({ kind: _kind, ...change }) => {
    state = { ...state, ...change };
    return {
      version: change.version,
      at: change.ts,
      eventId: change.eventId,
      actor: change.actor,
      cause: 'INSERT',
      change,
      ...(change.version % 10 === 0 ? { state: { ...state } } : {}),
    };
  });
}

/** The reference pipeline's threshold rule, as the sink reads it. */
export const thresholdRule: ThresholdRule = {
  mapping: pipeline.redis.threshold.name,
  above: pipeline.redis.threshold.above,
  recoverBelow: pipeline.redis.threshold.recoverBelow,
  forReadings: pipeline.redis.threshold.forReadings ?? 1,
  forSeconds: pipeline.redis.threshold.forSeconds ?? 0,
  silenceSeconds: pipeline.redis.threshold.silenceSeconds,
};

/**
 * The alert topic and the current alert set as the sink leaves them after the tally's readings (no
 * silences): computed with the sink's own evaluator, so a unit test also holds the verifier's independent
 * recomputation to the sink's rule.
 */
export function sinkAlerts(expectation: Expectation): {
  messages: ObservedAlert[];
  current: Map<string, string>;
} {
  const messages: ObservedAlert[] = [];
  const current = new Map<string, string>();
  for (const [deviceId, readings] of expectation.readings) {
    const { state, alerts } = evaluateReadings(
      thresholdRule,
      deviceId,
      undefined,
      readings.map((r) => ({ value: r.temperature, at: r.ts })),
    );
    for (const a of alerts)
      messages.push({
        id: a.alertId,
        key: a.key,
        seq: a.seq,
        from: a.from,
        to: a.to,
        at: a.at,
        value: a.value,
      });
    if (state.status !== 'ok')
      current.set(
        deviceId,
        JSON.stringify({ key: deviceId, status: state.status, since: state.since, value: state.lastValue }),
      );
  }
  return { messages, current };
}

/** A sink state holding exactly the tally's effects (poison dead-lettered by `handlers` each). */
export function perfectObserved(
  expectation: Expectation,
  handlers: Record<string, readonly string[]> = {
    'click-not-json': ['kafka-to-redis', 'kafka-to-dynamodb'],
    'product-schema': ['ddb-stream-to-kafka'],
  },
): MutableObserved & ObservedState {
  const { aggregate, state } = pipeline.dynamodb;
  const sessions = new Map<string, ObservedSession>();
  for (const s of expectation.sessions.values()) {
    sessions.set(
      s.sessionId,
      s.deleted
        ? { exists: false, fields: {}, ttlSeconds: -2 }
        : { exists: true, fields: { seq: String(s.seq), ipAddress: '***', email: 'ab12' }, ttlSeconds: 1700 },
    );
  }
  const products = [...expectation.products.values()];
  const productItem = (p: (typeof products)[number]) => ({
    productId: p.productId,
    rev: p.rev,
    price: p.price,
    name: p.name,
  });
  return {
    counters: new Map(expectation.counters),
    leaderboards: new Map(
      [...expectation.leaderboards].map(([key, members]) => [
        key,
        new Map([...members].map(([m, { score }]) => [m, score])),
      ]),
    ),
    uniques: new Map(
      [...expectation.uniques].map(([key, { elements }]) => [key, perfectUnique(elements.size)]),
    ),
    sessions,
    cache: new Map(products.map((p) => [p.productId, productItem(p)])),
    streams: new Map([...expectation.streams].map(([key, s]) => [key, cappedStream(s.ts)])),
    series: new Map([...expectation.series].map(([pk, s]) => [pk, [...s.ts]])),
    aggregates: new Map(
      [...expectation.aggregates].map(([id, a]) => [
        id,
        { [aggregate.countMetric]: a.views, [aggregate.quantityMetric ?? 'quantity']: a.quantity },
      ]),
    ),
    orders: new Map(
      [...expectation.orders.values()].map((o) => [
        o.orderId,
        { orderId: o.orderId, [state.versionField]: o.version, status: o.status, amount: o.amount },
      ]),
    ),
    replica: new Map(products.map((p) => [p.productId, productItem(p)])),
    orderHistories: new Map([...expectation.orderEvents].map(([id, events]) => [id, historyOf(events)])),
    alerts: sinkAlerts(expectation),
    deadLetters: [...expectation.poison].flatMap(([marker, variant]) =>
      (handlers[variant] ?? []).map((handler, i) => ({
        queueUrl: `http://127.0.0.1/q/${handler}`,
        messageId: `${marker}-${i}`,
        body: JSON.stringify({ reason: 'bad', errorType: 'DecodeError', handler, payload: marker }),
        reason: 'bad',
        errorType: 'DecodeError',
        handler,
      })),
    ),
    onFailureMessages: 0,
  };
}
