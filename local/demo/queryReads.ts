/**
 * The read side of the demo, as a dashboard or service reads these structures: a session, a page's
 * counter and its hourly materialized view, the day's product leaderboard, a unique-visitor count, a
 * device's readings over a time range, an order's state and a cached product. Keys come from the config's
 * key templates, exactly as the sinks render them. Redis reads go to the reader endpoint when one is given.
 *
 * @example
 * ```ts
 * const reads = new QueryReads({ pipeline, redis, dynamodb });
 * await reads.counter('home-ab12cd', Date.now()); // { key: 'views:home-ab12cd:2026112609', views: 17, ... }
 * ```
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Redis } from 'ioredis';
import { CONFIG_DEFAULTS } from '../../config/constants';
import { readStateAsOf, readStateHistory } from '../../lambdas/kafka-to-dynamodb/readStateHistory';
import type { AsOf, StateAsOf } from '../../lambdas/kafka-to-dynamodb/stateAsOf';
import type { DemoPipeline } from './demoPipeline';
import { renderKey } from './demoPipeline';

function describeAsOf(found: StateAsOf | undefined) {
  if (!found) return { version: null, state: null };
  return { version: found.version, at: new Date(found.at).toISOString(), state: found.state };
}

export interface QueryReadsOptions {
  readonly pipeline: DemoPipeline;
  /** A connection to the reader endpoint (replicas) where there is one; locally the one server. */
  readonly redis: Redis;
  readonly dynamodb: DynamoDBClient;
}

const DAY_MS = 86_400_000;
/** Most days one series query walks (one partition per device and day). */
const MAX_SERIES_DAYS = 31;

export class QueryReads {
  readonly #pipeline: DemoPipeline;
  readonly #redis: Redis;
  readonly #dynamodb: DynamoDBClient;

  constructor(options: QueryReadsOptions) {
    this.#pipeline = options.pipeline;
    this.#redis = options.redis;
    this.#dynamodb = options.dynamodb;
  }

  async session(sessionId: string) {
    const key = renderKey(this.#pipeline.redis.session.keyT, { sessionId });
    const [fields, ttlSeconds] = await Promise.all([this.#redis.hgetall(key), this.#redis.ttl(key)]);
    return { key, exists: Object.keys(fields).length > 0, ttlSeconds, fields };
  }

  async counter(page: string, at: number) {
    const key = renderKey(this.#pipeline.redis.counter.keyT, { page, ts: at });
    const { aggregate } = this.#pipeline.dynamodb;
    const pk = renderKey(aggregate.pkT, { page, ts: at });
    const sk = aggregate.skT ? renderKey(aggregate.skT, { page, ts: at }) : undefined;
    const [views, item] = await Promise.all([
      this.#redis.get(key),
      this.#getItem(aggregate.table, {
        [aggregate.partitionKey.name]: pk,
        ...(aggregate.sortKey && sk !== undefined ? { [aggregate.sortKey.name]: sk } : {}),
      }),
    ]);
    return {
      key,
      views: views === null ? 0 : Number(views),
      hourlyView: { table: aggregate.table, key: { pk, sk }, item: item ?? null },
    };
  }

  async leaderboard(at: number, top: number) {
    const key = renderKey(this.#pipeline.redis.leaderboard.keyT, { ts: at });
    const flat = await this.#redis.zrevrange(key, 0, top - 1, 'WITHSCORES');
    const entries: { rank: number; member: string; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      entries.push({ rank: i / 2 + 1, member: flat[i] as string, score: Number(flat[i + 1]) });
    return { key, entries };
  }

  async unique(page: string, at: number) {
    const key = renderKey(this.#pipeline.redis.unique.keyT, { page, ts: at });
    return { key, approximateCount: await this.#redis.pfcount(key) };
  }

  /** Readings of a device from `from` to `to` (epoch ms, both included), oldest first. */
  async series(deviceId: string, from: number, to: number) {
    const { series } = this.#pipeline.dynamodb;
    if (to < from) throw new RangeError('the time range ends before it starts (--to is before --from)');
    const days = Math.floor(to / DAY_MS) - Math.floor(from / DAY_MS) + 1;
    if (days > MAX_SERIES_DAYS)
      throw new RangeError(`the time range spans ${days} days; at most ${MAX_SERIES_DAYS}`);
    const items: Record<string, unknown>[] = [];
    for (let day = Math.floor(from / DAY_MS); day <= Math.floor(to / DAY_MS); day++) {
      const pk = renderKey(series.pkT, { deviceId, [series.timestampField]: Math.max(from, day * DAY_MS) });
      const sortRange = !series.sortKey && series.sortKeyName;
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.#dynamodb.send(
          new QueryCommand({
            TableName: series.table,
            KeyConditionExpression: sortRange ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
            ExpressionAttributeNames: {
              '#pk': series.partitionKey.name,
              ...(sortRange ? { '#sk': series.sortKeyName as string } : {}),
            },
            // The sink's default sort key starts with the ISO time, so a time range is a key range.
            ExpressionAttributeValues: marshall({
              ':pk': pk,
              ...(sortRange
                ? { ':from': new Date(from).toISOString(), ':to': `${new Date(to).toISOString()}~` }
                : {}),
            }),
            ExclusiveStartKey: start,
          }),
        );
        for (const raw of page.Items ?? []) {
          const item = unmarshall(raw);
          const ts = Number(item[series.timestampField]);
          if (!Number.isFinite(ts) || (ts >= from && ts <= to)) items.push(item);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return {
      table: series.table,
      deviceId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      count: items.length,
      items,
    };
  }

  /**
   * The order's latest state; with `asOf`, its state as of a version or a time folded from its history;
   * with `history`, every version and who and what made it (docs/sinks/dynamodb.md, "History").
   */
  async order(orderId: string, options: { readonly asOf?: AsOf; readonly history?: boolean } = {}) {
    const { state } = this.#pipeline.dynamodb;
    const key = renderKey(state.pkT, { orderId });
    const latest = { table: state.table, key };
    if (options.asOf === undefined && !options.history) {
      return {
        ...latest,
        state: (await this.#getItem(state.table, { [state.partitionKey.name]: key })) ?? null,
      };
    }
    const table = state.historyTable;
    if (!table) throw new RangeError(`mapping "${state.name}" keeps no history (its config has no history)`);
    const reducer = state.reducer ?? CONFIG_DEFAULTS.reducer;
    const asOf = options.asOf;
    return {
      ...latest,
      historyTable: table.name,
      ...(asOf
        ? {
            asOf: 'version' in asOf ? { version: asOf.version } : { at: new Date(asOf.at).toISOString() },
            ...describeAsOf(await readStateAsOf(this.#dynamodb, table, key, asOf, { reducer })),
          }
        : {}),
      ...(options.history
        ? {
            history: (await readStateHistory(this.#dynamodb, table, key)).map((entry) => ({
              version: entry.version,
              at: new Date(entry.at).toISOString(),
              actor: entry.actor ?? null,
              cause: entry.cause ?? null,
              eventId: entry.eventId ?? null,
              source: entry.source ?? null,
              change: entry.change,
            })),
          }
        : {}),
    };
  }

  async product(productId: string) {
    const { cache } = this.#pipeline.redis;
    const { replica } = this.#pipeline.dynamodb;
    const key = renderKey(cache.keyT, { productId });
    const cached = cache.store === 'hash' ? await this.#redis.hgetall(key) : await this.#redis.get(key);
    return {
      cache: { key, value: typeof cached === 'string' ? (JSON.parse(cached) as unknown) : cached },
      replica: {
        table: replica.table,
        item: (await this.#getItem(replica.table, { [replica.partitionKey]: productId })) ?? null,
      },
    };
  }

  async #getItem(table: string, key: Record<string, unknown>) {
    const { Item } = await this.#dynamodb.send(new GetItemCommand({ TableName: table, Key: marshall(key) }));
    return Item ? unmarshall(Item) : undefined;
  }
}
