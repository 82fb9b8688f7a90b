/**
 * The independent tally: what the sinks must hold after the generated events, computed from the events
 * alone (never from sink code). Keys are rendered with the config's key templates, so the tally and the
 * sinks agree on where an effect lands; the values (counts, sums, distinct users, last versions) are
 * counted here.
 *
 * @example
 * ```ts
 * const tally = new Tally(demoPipeline(config));
 * tally.record(event);
 * tally.expectation.counters.get('views:home-k3x9p:2026112609'); // 17
 * ```
 */
import type { DemoPipeline } from './demoPipeline';
import { renderKey } from './demoPipeline';
import type {
  ClickEvent,
  DemoEvent,
  DemoEventKind,
  OrderEvent,
  OrderStatus,
  PoisonVariant,
  ReadingEvent,
} from './types';

export interface ExpectedSession {
  readonly sessionId: string;
  readonly key: string;
  seq: number;
  deleted: boolean;
  /** Events (start, updates, end) of the session. */
  events: number;
  /** Time of the latest event: the sliding TTL runs from there. */
  lastTs: number;
  readonly ipAddress: string;
  readonly email: string;
}

export interface ExpectedProduct {
  readonly productId: string;
  readonly key: string;
  rev: number;
  events: number;
  name: string;
  price: number;
  stock: number;
}

export interface ExpectedOrder {
  readonly orderId: string;
  readonly key: string;
  version: number;
  status: OrderStatus;
  amount?: number;
  customerId?: string;
  events: number;
  /** Time of the latest event: the order's state expires with it (the state keeps its `expiresAt`). */
  lastTs: number;
}

export interface ExpectedAggregate {
  readonly pk: string;
  readonly sk?: string;
  views: number;
  quantity: number;
}

export interface ExpectedSeries {
  readonly pk: string;
  readonly deviceId: string;
  readonly ts: number[];
}

export interface ExpectedStream {
  readonly key: string;
  readonly deviceId: string;
  /** Every reading's `ts`, in write order. */
  readonly ts: number[];
}

export interface Expectation {
  readonly counts: Record<DemoEventKind, number>;
  /** Counter key → events counted on it. */
  readonly counters: Map<string, number>;
  /** Leaderboard key → member → expected score and contributing events. */
  readonly leaderboards: Map<string, Map<string, { score: number; events: number }>>;
  /** Unique-count key → distinct elements and contributing events. */
  readonly uniques: Map<string, { elements: Set<string>; events: number }>;
  readonly sessions: Map<string, ExpectedSession>;
  readonly products: Map<string, ExpectedProduct>;
  readonly streams: Map<string, ExpectedStream>;
  readonly series: Map<string, ExpectedSeries>;
  /** `pk` + NUL + `sk` → expected metrics. */
  readonly aggregates: Map<string, ExpectedAggregate>;
  readonly orders: Map<string, ExpectedOrder>;
  /** Every order's events in generation order (version order): what its history must fold to. */
  readonly orderEvents: Map<string, OrderEvent[]>;
  /** Sensor device id → its readings in generation order (the threshold mapping's input). */
  readonly readings: Map<string, ReadingEvent[]>;
  /** Poison marker → what it was. */
  readonly poison: Map<string, PoisonVariant>;
  /**
   * {@link clickGroup} → ids of the clicks that contributed to that key: the candidates when a counter, a
   * sum or a unique count falls short and the sink cannot say which click it misses.
   */
  readonly clickGroups: Map<string, string[]>;
  /** Every click by user, in the order sent: what the user's sessions and funnel progress are folded from. */
  readonly clicksByUser: Map<string, ClickEvent[]>;
}

/** The click mappings the verifier checks by count or sum. */
export type ClickEffect = 'counter' | 'leaderboard' | 'unique' | 'aggregate';

/** Key of a group in {@link Expectation.clickGroups}: one key (a leaderboard: key + member) of one mapping. */
export function clickGroup(effect: ClickEffect, key: string, member?: string): string {
  return `${effect}\u0000${key}${member === undefined ? '' : `\u0000${member}`}`;
}

/** Key of an aggregate item in {@link Expectation.aggregates}. */
export function aggregateId(pk: string, sk: string | undefined): string {
  return `${pk}\u0000${sk ?? ''}`;
}

export class Tally {
  readonly #pipeline: DemoPipeline;
  readonly #expectation: Expectation = {
    counts: { click: 0, telemetry: 0, session: 0, product: 0, order: 0, poison: 0, reading: 0 },
    counters: new Map(),
    leaderboards: new Map(),
    uniques: new Map(),
    sessions: new Map(),
    products: new Map(),
    streams: new Map(),
    series: new Map(),
    aggregates: new Map(),
    orders: new Map(),
    orderEvents: new Map(),
    readings: new Map(),
    poison: new Map(),
    clickGroups: new Map(),
    clicksByUser: new Map(),
  };

  constructor(pipeline: DemoPipeline) {
    this.#pipeline = pipeline;
  }

  get expectation(): Expectation {
    return this.#expectation;
  }

  get total(): number {
    return Object.values(this.#expectation.counts).reduce((a, b) => a + b, 0);
  }

  record(event: DemoEvent): void {
    const e = this.#expectation;
    e.counts[event.kind] += 1;
    switch (event.kind) {
      case 'click':
        this.#click(event);
        break;
      case 'telemetry': {
        const { stream } = this.#pipeline.redis;
        const streamKey = renderKey(stream.keyT, event as unknown as Record<string, unknown>);
        const s = e.streams.get(streamKey) ?? { key: streamKey, deviceId: event.deviceId, ts: [] };
        s.ts.push(event.ts);
        e.streams.set(streamKey, s);
        const pk = renderKey(this.#pipeline.dynamodb.series.pkT, event as unknown as Record<string, unknown>);
        const series = e.series.get(pk) ?? { pk, deviceId: event.deviceId, ts: [] };
        series.ts.push(event.ts);
        e.series.set(pk, series);
        break;
      }
      case 'session': {
        const key = renderKey(this.#pipeline.redis.session.keyT, event as unknown as Record<string, unknown>);
        const s = e.sessions.get(event.sessionId) ?? {
          sessionId: event.sessionId,
          key,
          seq: 0,
          deleted: false,
          events: 0,
          lastTs: 0,
          ipAddress: event.ipAddress,
          email: event.email,
        };
        s.events += 1;
        s.lastTs = event.ts;
        s.seq = event.seq;
        s.deleted = event.action === 'end';
        e.sessions.set(event.sessionId, s);
        break;
      }
      case 'product': {
        const key = renderKey(this.#pipeline.redis.cache.keyT, event as unknown as Record<string, unknown>);
        const p = e.products.get(event.productId) ?? {
          productId: event.productId,
          key,
          rev: 0,
          events: 0,
          name: '',
          price: 0,
          stock: 0,
        };
        Object.assign(p, { rev: event.rev, name: event.name, price: event.price, stock: event.stock });
        p.events += 1;
        e.products.set(event.productId, p);
        break;
      }
      case 'order': {
        const key = renderKey(this.#pipeline.dynamodb.state.pkT, event as unknown as Record<string, unknown>);
        const o = e.orders.get(event.orderId) ?? {
          orderId: event.orderId,
          key,
          version: 0,
          status: event.status,
          events: 0,
          lastTs: 0,
        };
        o.version = event.version;
        o.lastTs = event.ts;
        o.status = event.status;
        if (event.amount !== undefined) o.amount = event.amount;
        if (event.customerId !== undefined) o.customerId = event.customerId;
        o.events += 1;
        e.orders.set(event.orderId, o);
        e.orderEvents.set(event.orderId, [...(e.orderEvents.get(event.orderId) ?? []), event]);
        break;
      }
      case 'reading': {
        const readings = e.readings.get(event.deviceId);
        if (readings) readings.push(event);
        else e.readings.set(event.deviceId, [event]);
        break;
      }
      case 'poison':
        e.poison.set(event.marker, event.variant);
        break;
    }
  }

  #click(event: Extract<DemoEvent, { kind: 'click' }>): void {
    const e = this.#expectation;
    const fields = event as unknown as Record<string, unknown>;
    const { counter, leaderboard, unique } = this.#pipeline.redis;
    const counterKey = renderKey(counter.keyT, fields);
    e.counters.set(counterKey, (e.counters.get(counterKey) ?? 0) + 1);
    this.#contributes(clickGroup('counter', counterKey), event.eventId);
    const byUser = e.clicksByUser.get(event.userId);
    if (byUser) byUser.push(event);
    else e.clicksByUser.set(event.userId, [event]);

    const uniqueKey = renderKey(unique.keyT, fields);
    this.#contributes(clickGroup('unique', uniqueKey), event.eventId);
    const u = e.uniques.get(uniqueKey) ?? { elements: new Set<string>(), events: 0 };
    u.elements.add(renderKey(unique.elementT, fields));
    u.events += 1;
    e.uniques.set(uniqueKey, u);

    if (event.productId !== undefined) {
      const boardKey = renderKey(leaderboard.keyT, fields);
      const board = e.leaderboards.get(boardKey) ?? new Map<string, { score: number; events: number }>();
      const memberName = renderKey(leaderboard.memberT, fields);
      const member = board.get(memberName) ?? { score: 0, events: 0 };
      member.score += event.quantity;
      member.events += 1;
      board.set(memberName, member);
      e.leaderboards.set(boardKey, board);
      this.#contributes(clickGroup('leaderboard', boardKey, memberName), event.eventId);
    }

    const { aggregate } = this.#pipeline.dynamodb;
    const pk = renderKey(aggregate.pkT, fields);
    const sk = aggregate.skT ? renderKey(aggregate.skT, fields) : undefined;
    const id = aggregateId(pk, sk);
    const item = e.aggregates.get(id) ?? { pk, sk, views: 0, quantity: 0 };
    item.views += 1;
    item.quantity += event.quantity;
    e.aggregates.set(id, item);
    this.#contributes(clickGroup('aggregate', id), event.eventId);
  }

  #contributes(group: string, eventId: string): void {
    const ids = this.#expectation.clickGroups.get(group);
    if (ids) ids.push(eventId);
    else this.#expectation.clickGroups.set(group, [eventId]);
  }
}
