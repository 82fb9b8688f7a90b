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
import { latencyPercentiles } from './latencyPercentiles';
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
}

type Check = () => Promise<boolean>;

export class LatencyTracker {
  readonly #options: LatencyTrackerOptions;
  readonly #samples: number[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #intervalMs: number;
  #lastStart = 0;
  #timeouts = 0;
  #telemetryTurn = 0;
  #stopped = false;

  constructor(options: LatencyTrackerOptions) {
    this.#options = options;
    this.#intervalMs = 1000 / (options.probesPerSecond ?? DEMO_DEFAULTS.probesPerSecond);
  }

  /** Considers a just-written event for a probe (call after the tally recorded it). */
  offer(event: DemoEvent, ackedAt: number, expectation: Expectation): void {
    if (this.#stopped) return;
    const maxInFlight = this.#options.maxInFlight ?? DEMO_DEFAULTS.maxProbesInFlight;
    if (this.#running.size >= maxInFlight || ackedAt - this.#lastStart < this.#intervalMs) return;
    const check = this.#checkFor(event, expectation);
    if (!check) return;
    this.#lastStart = ackedAt;
    const probe = this.#probe(check, ackedAt).finally(() => this.#running.delete(probe));
    this.#running.add(probe);
  }

  summary(): LatencySummary {
    return latencyPercentiles(this.#samples, this.#timeouts);
  }

  /** Stops taking new probes and waits for the running ones (each is bounded by the probe timeout). */
  async settle(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#running]);
  }

  async #probe(check: Check, ackedAt: number): Promise<void> {
    const pollMs = this.#options.pollMs ?? DEMO_DEFAULTS.probePollMs;
    const deadline = ackedAt + (this.#options.timeoutMs ?? DEMO_DEFAULTS.probeTimeoutMs);
    while (Date.now() < deadline) {
      const seen = await check().catch(() => false);
      if (seen) {
        this.#samples.push(Date.now() - ackedAt);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    this.#timeouts += 1;
  }

  #checkFor(event: DemoEvent, e: Expectation): Check | undefined {
    const { pipeline, redis, dynamodb } = this.#options;
    const fields = event as unknown as Record<string, unknown>;
    switch (event.kind) {
      case 'click': {
        const key = renderKey(pipeline.redis.counter.keyT, fields);
        const atLeast = e.counters.get(key) ?? 1;
        return async () => Number((await redis.get(key)) ?? 0) >= atLeast;
      }
      case 'session': {
        const key = renderKey(pipeline.redis.session.keyT, fields);
        if (event.action === 'end') return async () => (await redis.exists(key)) === 0;
        return async () => Number((await redis.hget(key, 'seq')) ?? 0) >= event.seq;
      }
      case 'product': {
        const key = renderKey(pipeline.redis.cache.keyT, fields);
        if (pipeline.redis.cache.store === 'hash')
          return async () => Number((await redis.hget(key, 'rev')) ?? 0) >= event.rev;
        return async () => {
          const text = await redis.get(key);
          return (
            text !== null &&
            (numberField(JSON.parse(text) as Record<string, unknown>, 'rev') ?? 0) >= event.rev
          );
        };
      }
      case 'order': {
        const { state } = pipeline.dynamodb;
        const Key = marshall({ [state.partitionKey.name]: renderKey(state.pkT, fields) });
        return async () => {
          const { Item } = await dynamodb.send(
            new GetItemCommand({ TableName: state.table, Key, ConsistentRead: true }),
          );
          return (
            Item !== undefined && (numberField(unmarshall(Item), state.versionField) ?? 0) >= event.version
          );
        };
      }
      case 'telemetry':
        return this.#telemetryTurn++ % 2 === 0 ? this.#seriesCheck(event) : this.#streamCheck(event);
      default:
        return undefined;
    }
  }

  #streamCheck(event: Extract<DemoEvent, { kind: 'telemetry' }>): Check {
    const { pipeline, redis } = this.#options;
    const key = renderKey(pipeline.redis.stream.keyT, event as unknown as Record<string, unknown>);
    return async () => {
      const newest = (await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0];
      if (!newest) return false;
      const fields = newest[1];
      const at = fields.indexOf('ts');
      return at >= 0 && Number(fields[at + 1]) >= event.ts;
    };
  }

  /** The sink's default sort key starts with the reading's ISO time; a custom one falls back to the stream. */
  #seriesCheck(event: Extract<DemoEvent, { kind: 'telemetry' }>): Check {
    const { pipeline, dynamodb } = this.#options;
    const { series } = pipeline.dynamodb;
    if (series.sortKey || !series.sortKeyName) return this.#streamCheck(event);
    const pk = renderKey(series.pkT, event as unknown as Record<string, unknown>);
    const prefix = new Date(event.ts).toISOString();
    return async () => {
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
  }
}
