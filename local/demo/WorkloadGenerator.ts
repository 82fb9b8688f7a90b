/**
 * Generates the demo workload from a seed: clicks, device readings, sessions, product updates and order
 * events over small entity pools, plus poison records at evenly spread positions. The same seed gives the
 * same sequence of operations; identifiers carry the run tag so two runs never touch each other's keys.
 *
 * @example
 * ```ts
 * const generator = new WorkloadGenerator({ seed: 7, runTag: 'k3x9p', poison: 2, totalEvents: 100 });
 * const event = generator.next(); // { kind: 'click', page: 'home-k3x9p', ... }
 * ```
 */
import { JOURNEYS, ORDER_ACTORS, ORDER_FLOW, SENSOR_WAVE, WORKLOAD_MIX, WORKLOAD_POOLS } from './constants';
import { buildJourneys, type JourneyRules } from './journeys';
import { Prng } from './Prng';
import type {
  ClickEvent,
  DemoEvent,
  OrderEvent,
  OrderStatus,
  PoisonVariant,
  ReadingEvent,
  SessionEvent,
} from './types';

export interface WorkloadOptions {
  readonly seed: number;
  /** Short tag prefixed to every identifier of this run. */
  readonly runTag: string;
  /** Number of poison records to mix in. */
  readonly poison?: number;
  /** Total events when known (`--events`): poison records are spread evenly over them. */
  readonly totalEvents?: number;
  /** Event time source, epoch ms. */
  readonly clock?: () => number;
  /** With a `sessions` mapping's rules: the known journeys' clicks are mixed in (see `journeys.ts`). */
  readonly journeys?: JourneyRules;
}

interface OpenSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly email: string;
  readonly ipAddress: string;
  seq: number;
}

/** An alerting device: its temperature wave and how many readings it sent. */
interface Sensor {
  readonly deviceId: string;
  readonly period: number;
  readonly phase: number;
  readings: number;
  lastTs: number;
}

interface OpenOrder {
  readonly orderId: string;
  version: number;
  status: OrderStatus;
}

/** Without a known total, poison records come one per this many events. */
const POISON_SPACING = 50;
const POISON_VARIANTS: readonly PoisonVariant[] = ['click-not-json', 'product-schema'];

export class WorkloadGenerator {
  readonly #rng: Prng;
  readonly #tag: string;
  readonly #clock: () => number;
  readonly #poisonAt: Set<number>;
  readonly #poisonTotal: number;
  #poisonEmitted = 0;
  #index = 0;
  #sessionCount = 0;
  #orderCount = 0;
  readonly #sessions: OpenSession[] = [];
  readonly #orders: OpenOrder[] = [];
  readonly #productRevs = new Map<string, number>();
  readonly #deviceLastTs = new Map<string, number>();
  readonly #journeys: ClickEvent[];
  readonly #journeySpacing: number;
  readonly #sensors = new Map<number, Sensor>();

  constructor(options: WorkloadOptions) {
    this.#rng = new Prng(options.seed);
    this.#tag = options.runTag;
    this.#clock = options.clock ?? Date.now;
    this.#poisonTotal = options.poison ?? 0;
    this.#poisonAt = new Set();
    if (options.totalEvents !== undefined && this.#poisonTotal > 0) {
      const step = options.totalEvents / (this.#poisonTotal + 1);
      for (let i = 1; i <= this.#poisonTotal; i++) this.#poisonAt.add(Math.floor(i * step));
    }
    this.#journeys = options.journeys
      ? buildJourneys({ seed: options.seed, runTag: this.#tag, rules: options.journeys, pages: this.pages })
      : [];
    // Over the first half of a run of known length, so the journeys are complete well before it ends.
    this.#journeySpacing =
      options.totalEvents !== undefined && this.#journeys.length > 0
        ? Math.max(2, Math.floor(options.totalEvents / 2 / this.#journeys.length))
        : JOURNEYS.spacing;
  }

  /** The page names of this run (run-tagged), in pool order. */
  get pages(): string[] {
    return WORKLOAD_POOLS.pages.map((page) => `${page}-${this.#tag}`);
  }

  next(): DemoEvent {
    const index = this.#index++;
    if (this.#isPoisonSlot(index)) return this.#poison();
    if (this.#journeys.length > 0 && index % this.#journeySpacing === this.#journeySpacing - 1)
      return this.#journeys.shift() as ClickEvent;
    switch (this.#rng.weighted(WORKLOAD_MIX)) {
      case 'click':
        return this.#click();
      case 'telemetry':
        return this.#telemetry();
      case 'session':
        return this.#session();
      case 'product':
        return this.#product();
      case 'reading':
        return this.#reading();
      default:
        return this.#order();
    }
  }

  #isPoisonSlot(index: number): boolean {
    if (this.#poisonEmitted >= this.#poisonTotal) return false;
    if (this.#poisonAt.size > 0) return this.#poisonAt.has(index);
    return index % POISON_SPACING === POISON_SPACING - 1;
  }

  #poison(): DemoEvent {
    const n = this.#poisonEmitted++;
    return {
      kind: 'poison',
      variant: POISON_VARIANTS[n % POISON_VARIANTS.length] as PoisonVariant,
      marker: `poison-${this.#tag}-${n}`,
    };
  }

  #user(): string {
    return `${this.#tag}-u${this.#rng.int(1, WORKLOAD_POOLS.users)}`;
  }

  #productId(): string {
    return `${this.#tag}-p${String(this.#rng.int(1, WORKLOAD_POOLS.products)).padStart(2, '0')}`;
  }

  #click(): DemoEvent {
    const productClick = this.#rng.chance(WORKLOAD_POOLS.productClickShare);
    return {
      kind: 'click',
      eventId: `${this.#tag}-c${this.#index}`,
      page: this.#rng.pick(this.pages),
      userId: this.#user(),
      ...(productClick ? { productId: this.#productId() } : {}),
      quantity: productClick ? this.#rng.int(1, WORKLOAD_POOLS.maxQuantity) : 0,
      ts: this.#clock(),
    };
  }

  #telemetry(): DemoEvent {
    const deviceId = `dev-${this.#tag}-${String(this.#rng.int(1, WORKLOAD_POOLS.devices)).padStart(2, '0')}`;
    const ts = Math.max(this.#clock(), (this.#deviceLastTs.get(deviceId) ?? 0) + 1);
    this.#deviceLastTs.set(deviceId, ts);
    return {
      kind: 'telemetry',
      deviceId,
      ts,
      temperature: Math.round((18 + this.#rng.next() * 12) * 10) / 10,
      humidity: this.#rng.int(20, 80),
      battery: this.#rng.int(5, 100),
    };
  }

  /**
   * A reading of one of the sensors still sending (the first stops after `sensorSilentAfter` readings):
   * its temperature follows the device's triangle wave over its readings, so it drifts over the alert
   * threshold and back once a period.
   */
  #reading(): ReadingEvent {
    const active: number[] = [];
    for (let n = 1; n <= WORKLOAD_POOLS.sensors; n++) {
      const sensor = this.#sensors.get(n);
      if (n === 1 && sensor && sensor.readings >= WORKLOAD_POOLS.sensorSilentAfter) continue;
      active.push(n);
    }
    const n = this.#rng.pick(active);
    let sensor = this.#sensors.get(n);
    if (!sensor) {
      const period = this.#rng.int(SENSOR_WAVE.minPeriod, SENSOR_WAVE.maxPeriod);
      sensor = {
        deviceId: `sensor-${this.#tag}-${n}`,
        period,
        phase: this.#rng.int(0, period - 1),
        readings: 0,
        lastTs: 0,
      };
      this.#sensors.set(n, sensor);
    }
    const at = ((sensor.readings + sensor.phase) % sensor.period) / sensor.period;
    const wave = at < 0.5 ? 4 * at - 1 : 3 - 4 * at;
    const noise = (this.#rng.next() - 0.5) * SENSOR_WAVE.noise;
    const temperature = Math.round((SENSOR_WAVE.mid + SENSOR_WAVE.amplitude * wave + noise) * 10) / 10;
    sensor.readings += 1;
    sensor.lastTs = Math.max(this.#clock(), sensor.lastTs + 1);
    return { kind: 'reading', deviceId: sensor.deviceId, ts: sensor.lastTs, temperature };
  }

  #session(): SessionEvent {
    const page = this.#rng.pick(this.pages);
    const ts = this.#clock();
    const startNew =
      this.#sessions.length === 0 || this.#sessions.length < WORKLOAD_POOLS.maxOpenSessions / 2;
    if (startNew || (this.#sessions.length < WORKLOAD_POOLS.maxOpenSessions && this.#rng.chance(0.2))) {
      const n = ++this.#sessionCount;
      const user = this.#rng.int(1, WORKLOAD_POOLS.users);
      const session: OpenSession = {
        sessionId: `${this.#tag}-s${n}`,
        userId: `${this.#tag}-u${user}`,
        email: `user${user}@example.com`,
        ipAddress: `10.${this.#rng.int(0, 255)}.${this.#rng.int(0, 255)}.${this.#rng.int(1, 254)}`,
        seq: 1,
      };
      this.#sessions.push(session);
      return { kind: 'session', action: 'start', ...session, page, ts };
    }
    const at = this.#rng.int(0, this.#sessions.length - 1);
    const session = this.#sessions[at] as OpenSession;
    if (session.seq >= 3 && this.#rng.chance(WORKLOAD_POOLS.sessionEndChance)) {
      this.#sessions.splice(at, 1);
      return { kind: 'session', action: 'end', ...session, page, ts };
    }
    session.seq += 1;
    return { kind: 'session', action: 'update', ...session, page, ts };
  }

  #product(): DemoEvent {
    const productId = this.#productId();
    const rev = (this.#productRevs.get(productId) ?? 0) + 1;
    this.#productRevs.set(productId, rev);
    return {
      kind: 'product',
      productId,
      name: `Product ${productId.slice(this.#tag.length + 2)}`,
      price: this.#rng.int(100, 99_999) / 100,
      stock: this.#rng.int(0, 500),
      rev,
    };
  }

  #order(): OrderEvent {
    const ts = this.#clock();
    const open = this.#orders.length;
    if (open === 0 || (open < WORKLOAD_POOLS.maxOpenOrders && this.#rng.chance(0.35))) {
      const order: OpenOrder = {
        orderId: `${this.#tag}-o${++this.#orderCount}`,
        version: 1,
        status: 'created',
      };
      this.#orders.push(order);
      const amount = this.#rng.int(500, 50_000) / 100;
      const customerId = this.#user();
      return {
        kind: 'order',
        orderId: order.orderId,
        version: 1,
        eventId: `${order.orderId}-v1`,
        status: 'created',
        amount,
        customerId,
        actor: customerId,
        ts,
      };
    }
    const at = this.#rng.int(0, open - 1);
    const order = this.#orders[at] as OpenOrder;
    const cancel = order.status === 'created' && this.#rng.chance(0.1);
    const status: OrderStatus = cancel
      ? 'cancelled'
      : (ORDER_FLOW[ORDER_FLOW.indexOf(order.status as (typeof ORDER_FLOW)[number]) + 1] as OrderStatus);
    order.version += 1;
    order.status = status;
    if (status === 'cancelled' || status === 'delivered') this.#orders.splice(at, 1);
    return {
      kind: 'order',
      orderId: order.orderId,
      version: order.version,
      eventId: `${order.orderId}-v${order.version}`,
      status,
      actor: ORDER_ACTORS[status as keyof typeof ORDER_ACTORS],
      ts,
    };
  }
}
