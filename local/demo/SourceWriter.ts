/**
 * Writes generated events where a real application would: items into the source tables (BatchWriteItem of
 * what arrives within a few ms, ItemBatcher), clicks onto the clickstream topic and sensor readings onto
 * the readings topic (batched sends); one
 * entity's writes in generation order, entities in parallel up to a bound, each
 * retried until accepted or `writeTimeoutMs` passes (then the run fails: an unaccepted event is never tallied).
 *
 * @example
 * ```ts
 * const writer = new SourceWriter({ pipeline, kafkaBrokers: '127.0.0.1:19092', onWritten });
 * await writer.start();
 * writer.write(event);
 * await writer.flush();
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { SourceTableConfig } from '../../config/types';
import { DEMO_DEFAULTS } from './constants';
import type { DemoPipeline } from './demoPipeline';
import { ItemBatcher } from './ItemBatcher';
import type { DemoEvent } from './types';

export interface SourceWriterOptions {
  readonly pipeline: DemoPipeline;
  readonly kafkaBrokers: string;
  readonly dynamodb?: DynamoDBClient;
  /** Called after the source accepted the event, with the acknowledgement time (epoch ms). */
  readonly onWritten: (event: DemoEvent, ackedAt: number) => void;
  /** Most writes in flight. Default 32. */
  readonly concurrency?: number;
  /** How long one event's write may be retried. Default 180 s. */
  readonly writeTimeoutMs?: number;
  /**
   * TTL of readings and order events (seconds after the reading / the write) in the sources' TTL
   * attribute; sessions expire with their Redis mapping's sliding TTL instead. Default
   * `DEMO_DEFAULTS.itemTtlSeconds`.
   */
  readonly itemTtlSeconds?: number;
  readonly log?: (line: string) => void;
}

/** Clicks are sent in batches: at most this many per send, at least every this many ms. */
const CLICK_BATCH = 200;
const CLICK_LINGER_MS = 20;

/** A write the source never accepted within the timeout. */
export class SourceWriteError extends Error {
  constructor(what: string, cause: unknown) {
    super(`could not write ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SourceWriteError';
  }
}

interface PendingClick {
  readonly event: DemoEvent;
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

export class SourceWriter {
  readonly #options: SourceWriterOptions;
  readonly #dynamodb: DynamoDBClient;
  readonly #items: ItemBatcher;
  readonly #producer: Producer;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #slots: (() => void)[] = [];
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #itemTtlSeconds: number;
  #inFlight = 0;
  #clicks: PendingClick[] = [];
  #clickTimer: NodeJS.Timeout | undefined;
  #clickChain: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #pending = new Set<Promise<void>>();

  constructor(options: SourceWriterOptions) {
    this.#options = options;
    this.#dynamodb = options.dynamodb ?? new DynamoDBClient({ maxAttempts: 2 });
    this.#items = new ItemBatcher(this.#dynamodb);
    this.#concurrency = options.concurrency ?? 32;
    this.#timeoutMs = options.writeTimeoutMs ?? 180_000;
    this.#itemTtlSeconds = options.itemTtlSeconds ?? DEMO_DEFAULTS.itemTtlSeconds;
    const kafka = new Kafka({
      clientId: 'streambridge-demo',
      brokers: options.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
    // Idempotent: a send retried after a broker restart is not written twice.
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  /** The first write that failed for good; the run stops on it. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Writes accepted by the writer and not yet acknowledged by their source. */
  get backlog(): number {
    return this.#pending.size + this.#clicks.length;
  }

  async start(): Promise<void> {
    await this.#producer.connect();
  }

  /** Queues an event; resolves when a write slot is free (back-pressure for the generator). */
  async write(event: DemoEvent): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (
      event.kind === 'click' ||
      event.kind === 'reading' ||
      (event.kind === 'poison' && event.variant === 'click-not-json')
    ) {
      this.#queueClick(event);
      return;
    }
    await this.#acquireSlot();
    const entity = entityOf(event);
    const previous = this.#chains.get(entity) ?? Promise.resolve();
    const done = previous
      .then(() => this.#withRetry(describe(event), () => this.#writeItem(event)))
      .then(() => this.#options.onWritten(event, Date.now()))
      .catch((error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.#releaseSlot();
        this.#pending.delete(done);
        if (this.#chains.get(entity) === done) this.#chains.delete(entity);
      });
    this.#chains.set(entity, done);
    this.#pending.add(done);
  }

  /** Waits until every queued write was acknowledged (or failed). */
  async flush(): Promise<void> {
    this.#sendClicks();
    this.#items.flush();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    await this.#clickChain;
    if (this.#failure) throw this.#failure;
  }

  async close(): Promise<void> {
    if (this.#clickTimer) clearTimeout(this.#clickTimer);
    await this.#producer.disconnect().catch(() => undefined);
    this.#dynamodb.destroy();
  }

  #acquireSlot(): Promise<void> {
    if (this.#inFlight < this.#concurrency) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#slots.push(resolve));
  }

  #releaseSlot(): void {
    const next = this.#slots.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }

  #queueClick(event: Extract<DemoEvent, { kind: 'click' | 'reading' | 'poison' }>): void {
    const { clickTopic, readingTopic } = this.#options.pipeline;
    this.#clicks.push(
      event.kind === 'click'
        ? // A journey's clicks (they carry a funnel step) are keyed by user: they reach the sink in the order
          // generated, so its out-of-order and too-late views are exactly the ones meant.
          {
            event,
            topic: clickTopic,
            key: event.action === undefined ? event.page : event.userId,
            value: JSON.stringify(clickBody(event)),
          }
        : event.kind === 'reading'
          ? { event, topic: readingTopic, key: event.deviceId, value: JSON.stringify(clickBody(event)) }
          : { event, topic: clickTopic, key: event.marker, value: `not json: ${event.marker} {` },
    );
    if (this.#clicks.length >= CLICK_BATCH) this.#sendClicks();
    else this.#clickTimer ??= setTimeout(() => this.#sendClicks(), CLICK_LINGER_MS);
  }

  #sendClicks(): void {
    if (this.#clickTimer) clearTimeout(this.#clickTimer);
    this.#clickTimer = undefined;
    const batch = this.#clicks;
    if (batch.length === 0) return;
    this.#clicks = [];
    const topics = new Map<string, { key: string; value: string }[]>();
    for (const { topic, key, value } of batch) {
      const messages = topics.get(topic);
      if (messages) messages.push({ key, value });
      else topics.set(topic, [{ key, value }]);
    }
    // One send at a time keeps each page's clicks and each device's readings in generation order on its partition.
    this.#clickChain = this.#clickChain
      .then(() =>
        this.#withRetry(`${batch.length} clicks and readings`, () =>
          this.#producer.sendBatch({
            acks: -1,
            topicMessages: [...topics].map(([topic, messages]) => ({ topic, messages })),
          }),
        ),
      )
      .then(() => {
        const ackedAt = Date.now();
        for (const { event } of batch) this.#options.onWritten(event, ackedAt);
      })
      .catch((error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      });
  }

  async #withRetry<T>(what: string, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (Date.now() >= deadline) throw new SourceWriteError(what, error);
        if (attempt === 1 || attempt % 10 === 0)
          this.#options.log?.(`retrying write of ${what}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * attempt)));
      }
    }
  }

  async #writeItem(event: Exclude<DemoEvent, { kind: 'click' | 'reading' }>): Promise<void> {
    const { sources, redis } = this.#options.pipeline;
    const now = Date.now();
    switch (event.kind) {
      case 'telemetry':
        await this.#put(sources.telemetry.name, {
          deviceId: event.deviceId,
          ts: event.ts,
          temperature: event.temperature,
          humidity: event.humidity,
          battery: event.battery,
          ...expiry(sources.telemetry, event.ts, this.#itemTtlSeconds),
        });
        return;
      case 'session':
        if (event.action === 'end') {
          await this.#items.delete(sources.sessions.name, marshall({ sessionId: event.sessionId }));
          return;
        }
        await this.#put(sources.sessions.name, {
          sessionId: event.sessionId,
          userId: event.userId,
          seq: event.seq,
          page: event.page,
          email: event.email,
          ipAddress: event.ipAddress,
          updatedAt: event.ts,
          // The session's Redis key expires that long after its last event: the source item with it.
          ...expiry(sources.sessions, now, redis.session.ttlSeconds ?? this.#itemTtlSeconds),
        });
        return;
      case 'product':
        await this.#put(sources.products.name, {
          productId: event.productId,
          name: event.name,
          price: event.price,
          stock: event.stock,
          rev: event.rev,
        });
        return;
      case 'order':
        await this.#put(sources.orders.name, {
          orderId: event.orderId,
          version: event.version,
          eventId: event.eventId,
          status: event.status,
          actor: event.actor,
          ts: event.ts,
          ...(event.amount !== undefined ? { amount: event.amount } : {}),
          ...(event.customerId !== undefined ? { customerId: event.customerId } : {}),
          ...expiry(sources.orders, now, this.#itemTtlSeconds),
        });
        return;
      case 'poison':
        // Violates the products table's schema (price below 0): the change bridge must dead-letter it.
        await this.#put(sources.products.name, {
          productId: event.marker,
          name: event.marker,
          price: -1,
          rev: 1,
        });
        return;
    }
  }

  #put(table: string, item: Record<string, unknown>): Promise<void> {
    return this.#items.put(table, marshall(item));
  }
}

/** The source's TTL attribute (epoch seconds) `ttlSeconds` after `fromMs`; nothing on a table without TTL. */
function expiry(source: SourceTableConfig, fromMs: number, ttlSeconds: number): Record<string, number> {
  return source.ttlAttribute ? { [source.ttlAttribute]: Math.floor(fromMs / 1000) + ttlSeconds } : {};
}

function clickBody(event: Extract<DemoEvent, { kind: 'click' | 'reading' }>): Record<string, unknown> {
  const { kind: _kind, ...body } = event;
  return body;
}

function entityOf(event: DemoEvent): string {
  switch (event.kind) {
    case 'telemetry':
      return `device:${event.deviceId}`;
    case 'session':
      return `session:${event.sessionId}`;
    case 'product':
      return `product:${event.productId}`;
    case 'order':
      return `order:${event.orderId}`;
    case 'click':
      return `page:${event.page}`;
    case 'reading':
      return `sensor:${event.deviceId}`;
    case 'poison':
      return `poison:${event.marker}`;
  }
}

function describe(event: DemoEvent): string {
  return `${event.kind} ${entityOf(event)}`;
}
