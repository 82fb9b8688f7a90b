/**
 * End-to-end latency, source write → effect visible in Redis or DynamoDB: a sample of the written events
 * (a few per second) is followed by a probe that polls the sink for that event's effect until it shows,
 * bounded in time. Probes read what a client would read (a counter reaching the event's count, a session
 * hash at the event's seq, an order state at its version, the reading's time-series item, the cached
 * product at its rev), so the figure includes batching windows, both hops and the sink write.
 *
 * @example
 * ```ts
 * const tracker = new LatencyTracker({ pipeline, redis, dynamodb });
 * tracker.offer(event, ackedAt, tally.expectation);
 * tracker.summary(); // { samples, timeouts, p50, p95, p99, max }
 * ```
 */
import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Redis } from 'ioredis';
import { DEMO_DEFAULTS } from './constants';
import type { DemoPipeline } from './demoPipeline';
import { renderKey } from './demoPipeline';
import { latencySummary } from './latencyPercentiles';
import { streamEntryProbe } from './streamEntryProbe';
import type { Expectation } from './Tally';
import type { DemoEvent, LatencySummary } from './types';
import { numberField } from './verifyResults';

export interface LatencyTrackerOptions {
  readonly pipeline: DemoPipeline;
  readonly redis: Redis;
  readonly dynamodb: DynamoDBClient;
  readonly probesPerSecond?: number;
  readonly maxInFlight?: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  /**
   * The first this many ms after `begin()` are the warm-up: probes of the events written then are reported
   * apart (`summary().warmup`), not in the headline figures. Default 0 (none).
   */
  readonly warmupMs?: number;
}

/**
 * Whether the probed event's effect is visible; `moot` when it can no longer be told (the effect was
 * overwritten or removed by a later event before the probe ever saw it): the probe ends without a sample
 * and without counting as a timeout.
 */
type Check = () => Promise<boolean | 'moot'>;

/** A probe's check and the path it times (the event kind and the sink read). */
interface PathCheck {
  readonly path: string;
  readonly check: Check;
}

export class LatencyTracker {
  readonly #options: LatencyTrackerOptions;
  readonly #samples: { at: number; ms: number; path: string }[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #intervalMs: number;
  #lastStart = 0;
  /** The path of each probe that timed out, and when its event was written. */
  readonly #timedOut: { at: number; path: string }[] = [];
  /** Events written from then on are measured; those before are the warm-up's. */
  #measureFrom = Number.NEGATIVE_INFINITY;
  #telemetryTurn = 0;
  #stopped = false;
  /** Set when the caller stopped waiting: running probes end after their current poll. */
  #abandoned = false;

  constructor(options: LatencyTrackerOptions) {
    this.#options = options;
    this.#intervalMs = 1000 / (options.probesPerSecond ?? DEMO_DEFAULTS.probesPerSecond);
  }

  /** Considers a just-written event for a probe (call after the tally recorded it). */
  offer(event: DemoEvent, ackedAt: number, expectation: Expectation): void {
    if (this.#stopped) return;
    const maxInFlight = this.#options.maxInFlight ?? DEMO_DEFAULTS.maxProbesInFlight;
    if (this.#running.size >= maxInFlight || ackedAt - this.#lastStart < this.#intervalMs) return;
    const probed = this.#checkFor(event, expectation);
    if (!probed) return;
    this.#lastStart = ackedAt;
    const probe = this.#probe(probed, ackedAt).finally(() => this.#running.delete(probe));
    this.#running.add(probe);
  }

  /** Starts the warm-up's clock (call as the workload starts): see `warmupMs`. */
  begin(at = Date.now()): void {
    this.#measureFrom = at + (this.#options.warmupMs ?? 0);
  }

  summary(): LatencySummary {
    return latencySummary(this.#samples, this.#timedOut, this.#measureFrom, this.#options.warmupMs ?? 0);
  }

  /**
   * Stops taking new probes and waits for the running ones (each is bounded by the probe timeout), or with
   * `boundMs` at most that long: a probe still polling then ends as a timeout.
   */
  async settle(boundMs?: number): Promise<void> {
    this.#stopped = true;
    if (boundMs === undefined) {
      await Promise.all([...this.#running]);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#abandoned = true;
        resolve();
      }, boundMs);
    });
    await Promise.race([Promise.all([...this.#running]), bound]);
    clearTimeout(timer);
    this.#abandoned = true;
    await Promise.all([...this.#running]);
  }

  async #probe({ check, path }: PathCheck, ackedAt: number): Promise<void> {
    const pollMs = this.#options.pollMs ?? DEMO_DEFAULTS.probePollMs;
    const deadline = ackedAt + (this.#options.timeoutMs ?? DEMO_DEFAULTS.probeTimeoutMs);
    while (Date.now() < deadline && !this.#abandoned) {
      const seen = await check().catch(() => false);
      if (seen === 'moot') return;
      if (seen) {
        this.#samples.push({ at: ackedAt, ms: Date.now() - ackedAt, path });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    this.#timedOut.push({ at: ackedAt, path });
  }

  #checkFor(event: DemoEvent, e: Expectation): PathCheck | undefined {
    const { pipeline, redis, dynamodb } = this.#options;
    const fields = event as unknown as Record<string, unknown>;
    switch (event.kind) {
      case 'click': {
        const key = renderKey(pipeline.redis.counter.keyT, fields);
        const atLeast = e.counters.get(key) ?? 1;
        return {
          path: 'click→redis counter',
          check: async () => Number((await redis.get(key)) ?? 0) >= atLeast,
        };
      }
      case 'session': {
        // An end's effect (the hash gone) looks the same as its start not applied yet: ends are not probed.
        if (event.action === 'end') return undefined;
        const key = renderKey(pipeline.redis.session.keyT, fields);
        const session = e.sessions.get(event.sessionId);
        let seenBefore = false;
        const check: Check = async () => {
          const seq = await redis.hget(key, 'seq');
          if (seq !== null) {
            seenBefore = true;
            return Number(seq) >= event.seq;
          }
          // Gone after it was seen: the session's end, and so this event before it, were applied since the
          // last poll. Never seen and the session already ended: the whole session may have been applied
          // (and deleted) between two polls, which cannot be told from none of it applied yet.
          if (seenBefore) return true;
          return session?.deleted === true ? 'moot' : false;
        };
        return { path: 'session→redis hash', check };
      }
      case 'product': {
        const key = renderKey(pipeline.redis.cache.keyT, fields);
        const path = 'product→redis cache';
        if (pipeline.redis.cache.store === 'hash')
          return { path, check: async () => Number((await redis.hget(key, 'rev')) ?? 0) >= event.rev };
        const check: Check = async () => {
          const text = await redis.get(key);
          return (
            text !== null &&
            (numberField(JSON.parse(text) as Record<string, unknown>, 'rev') ?? 0) >= event.rev
          );
        };
        return { path, check };
      }
      case 'order': {
        const { state } = pipeline.dynamodb;
        const Key = marshall({ [state.partitionKey.name]: renderKey(state.pkT, fields) });
        const check: Check = async () => {
          const { Item } = await dynamodb.send(
            new GetItemCommand({ TableName: state.table, Key, ConsistentRead: true }),
          );
          return (
            Item !== undefined && (numberField(unmarshall(Item), state.versionField) ?? 0) >= event.version
          );
        };
        return { path: 'order→dynamodb state', check };
      }
      case 'telemetry':
        return this.#telemetryTurn++ % 2 === 0 ? this.#seriesCheck(event) : this.#streamCheck(event);
      default:
        return undefined;
    }
  }

  #streamCheck(event: Extract<DemoEvent, { kind: 'telemetry' }>): PathCheck {
    const { pipeline, redis } = this.#options;
    const key = renderKey(pipeline.redis.stream.keyT, event as unknown as Record<string, unknown>);
    return { path: 'telemetry→redis stream', check: streamEntryProbe(redis, key, event.ts) };
  }

  /** The sink's default sort key starts with the reading's ISO time; a custom one falls back to the stream. */
  #seriesCheck(event: Extract<DemoEvent, { kind: 'telemetry' }>): PathCheck {
    const { pipeline, dynamodb } = this.#options;
    const { series } = pipeline.dynamodb;
    if (series.sortKey || !series.sortKeyName) return this.#streamCheck(event);
    const pk = renderKey(series.pkT, event as unknown as Record<string, unknown>);
    const prefix = new Date(event.ts).toISOString();
    const check: Check = async () => {
      const { Count } = await dynamodb.send(
        new QueryCommand({
          TableName: series.table,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': series.partitionKey.name, '#sk': series.sortKeyName as string },
          ExpressionAttributeValues: marshall({ ':pk': pk, ':prefix': prefix }),
          ConsistentRead: true,
          Select: 'COUNT',
        }),
      );
      return (Count ?? 0) > 0;
    };
    return { path: 'telemetry→dynamodb series', check };
  }
}
