/**
 * Reads back, for every key of the tally, what the sinks hold: Redis values in pipelined round trips and
 * DynamoDB items with BatchGetItem / Query, strongly consistent, as a dashboard would read them. The
 * result feeds {@link verifyResults}; nothing here decides what is right.
 *
 * @example
 * ```ts
 * const reader = new SinkReader({ pipeline, redis, dynamodb });
 * const observed = await reader.read(tally.expectation, deadLetters);
 * ```
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetItemCommand, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Redis } from 'ioredis';
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type { DeadLetterMessage, ObservedSession, ObservedState, ObservedStream } from './types';

export interface SinkReaderOptions {
  readonly pipeline: DemoPipeline;
  readonly redis: Redis;
  readonly dynamodb: DynamoDBClient;
}

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 20;
/** Redis commands per pipeline round trip. */
const PIPELINE_CHUNK = 500;

function pairsToRecord(pairs: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[pairs[i] as string] = pairs[i + 1] as string;
  return record;
}

function parseJsonObject(text: string | null): Item | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Item)
      : { value: parsed };
  } catch {
    return { value: text };
  }
}

export class SinkReader {
  readonly #pipeline: DemoPipeline;
  readonly #redis: Redis;
  readonly #dynamodb: DynamoDBClient;

  constructor(options: SinkReaderOptions) {
    this.#pipeline = options.pipeline;
    this.#redis = options.redis;
    this.#dynamodb = options.dynamodb;
  }

  async read(
    expectation: Expectation,
    deadLetters: readonly DeadLetterMessage[] = [],
    onFailureMessages = 0,
  ): Promise<ObservedState> {
    const [redisState, dynamoState] = await Promise.all([
      this.#readRedis(expectation),
      this.#readDynamo(expectation),
    ]);
    return { ...redisState, ...dynamoState, deadLetters, onFailureMessages };
  }

  /** Runs `[command, ...args]` lists through pipelines; an error reply becomes `null` plus the error. */
  async #run(commands: (string | number)[][]): Promise<unknown[]> {
    const results: unknown[] = [];
    for (let i = 0; i < commands.length; i += PIPELINE_CHUNK) {
      const pipeline = this.#redis.pipeline();
      for (const [name, ...args] of commands.slice(i, i + PIPELINE_CHUNK))
        pipeline.call(String(name), ...args);
      const replies = (await pipeline.exec()) ?? [];
      for (const [error, value] of replies) results.push(error ? null : value);
    }
    return results;
  }

  async #readRedis(e: Expectation) {
    const { cache } = this.#pipeline.redis;
    const counterKeys = [...e.counters.keys()];
    const boards = [...e.leaderboards].flatMap(([key, members]) =>
      [...members.keys()].map((m) => [key, m] as const),
    );
    const uniqueKeys = [...e.uniques.keys()];
    const sessions = [...e.sessions.values()];
    const products = [...e.products.values()];
    const streamKeys = [...e.streams.keys()];
    const commands: (string | number)[][] = [
      ...counterKeys.map((k) => ['GET', k]),
      ...boards.map(([k, m]) => ['ZSCORE', k, m]),
      ...uniqueKeys.map((k) => ['PFCOUNT', k]),
      ...sessions.flatMap((s) => [
        ['HGETALL', s.key],
        ['TTL', s.key],
      ]),
      ...products.map((p) => (cache.store === 'hash' ? ['HGETALL', p.key] : ['GET', p.key])),
      ...streamKeys.flatMap((k) => [
        ['XLEN', k],
        ['XREVRANGE', k, '+', '-', 'COUNT', 1],
      ]),
    ];
    const replies = await this.#run(commands);
    let at = 0;
    const next = () => replies[at++];
    const counters = new Map(counterKeys.map((k) => [k, toNumber(next())]));
    const leaderboards = new Map<string, Map<string, number | null>>();
    for (const [key, member] of boards) {
      const board = leaderboards.get(key) ?? new Map<string, number | null>();
      board.set(member, toNumber(next()));
      leaderboards.set(key, board);
    }
    const uniques = new Map(uniqueKeys.map((k) => [k, toNumber(next()) ?? 0]));
    const sessionsSeen = new Map<string, ObservedSession>();
    for (const s of sessions) {
      const fields = toHash(next());
      const ttlSeconds = toNumber(next()) ?? -2;
      sessionsSeen.set(s.sessionId, { exists: Object.keys(fields).length > 0, fields, ttlSeconds });
    }
    const cacheSeen = new Map<string, Item | null>();
    for (const p of products) {
      const reply = next();
      if (cache.store === 'hash') {
        const hash = toHash(reply);
        cacheSeen.set(p.productId, Object.keys(hash).length > 0 ? hash : null);
      } else cacheSeen.set(p.productId, parseJsonObject(typeof reply === 'string' ? reply : null));
    }
    const streams = new Map<string, ObservedStream>();
    for (const key of streamKeys) {
      const length = toNumber(next()) ?? 0;
      const newest = next();
      const entry = Array.isArray(newest) && Array.isArray(newest[0]) ? (newest[0] as unknown[]) : undefined;
      streams.set(key, {
        length,
        last: entry && Array.isArray(entry[1]) ? pairsToRecord(entry[1] as string[]) : undefined,
      });
    }
    return { counters, leaderboards, uniques, sessions: sessionsSeen, cache: cacheSeen, streams };
  }

  async #readDynamo(e: Expectation) {
    const { aggregate, state, replica } = this.#pipeline.dynamodb;
    const aggregateEntries = [...e.aggregates];
    const [seriesSeen, aggregateItems, orderItems, replicaItems] = await Promise.all([
      this.#readSeries([...e.series.keys()]),
      this.#batchGet(
        aggregate.table,
        aggregateEntries.map(([, a]) => ({
          [aggregate.partitionKey.name]: a.pk,
          ...(aggregate.sortKey && a.sk !== undefined ? { [aggregate.sortKey.name]: a.sk } : {}),
        })),
      ),
      this.#batchGet(
        state.table,
        [...e.orders.values()].map((o) => ({ [state.partitionKey.name]: o.key })),
      ),
      this.#batchGet(
        replica.table,
        [...e.products.keys()].map((id) => ({ [replica.partitionKey]: id })),
      ),
    ]);
    const byKey = (items: Item[], name: string) => new Map(items.map((item) => [String(item[name]), item]));
    const aggregatesFound = new Map(
      aggregateItems.map((item) => [
        `${String(item[aggregate.partitionKey.name])}\u0000${aggregate.sortKey ? String(item[aggregate.sortKey.name]) : ''}`,
        item,
      ]),
    );
    const ordersFound = byKey(orderItems, state.partitionKey.name);
    const replicaFound = byKey(replicaItems, replica.partitionKey);
    return {
      series: seriesSeen,
      aggregates: new Map(aggregateEntries.map(([id]) => [id, aggregatesFound.get(id) ?? null])),
      orders: new Map([...e.orders.values()].map((o) => [o.orderId, ordersFound.get(o.key) ?? null])),
      replica: new Map([...e.products.keys()].map((id) => [id, replicaFound.get(id) ?? null])),
    };
  }

  async #readSeries(pks: readonly string[]): Promise<Map<string, number[]>> {
    const { series } = this.#pipeline.dynamodb;
    const result = new Map<string, number[]>();
    await Promise.all(
      pks.map(async (pk) => {
        const values: number[] = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await this.#dynamodb.send(
            new QueryCommand({
              TableName: series.table,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': series.partitionKey.name, '#ts': series.timestampField },
              ExpressionAttributeValues: { ':pk': { S: pk } },
              ProjectionExpression: '#ts',
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const raw of page.Items ?? []) {
            const ts = Number(unmarshall(raw)[series.timestampField]);
            if (Number.isFinite(ts)) values.push(ts);
          }
          start = page.LastEvaluatedKey;
        } while (start);
        result.set(pk, values);
      }),
    );
    return result;
  }

  async #batchGet(table: string, keys: readonly Item[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Record<string, AttributeValue>[] = keys
        .slice(i, i + BATCH_GET_LIMIT)
        .map((key) => marshallKey(key));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS)
          throw new Error(`BatchGetItem on ${table} kept leaving keys unprocessed`);
        const response = await this.#dynamodb.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const raw of response.Responses?.[table] ?? []) items.push(unmarshall(raw));
        pending = (response.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, AttributeValue>[];
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 50 * (round + 1)));
      }
    }
    return items;
  }
}

function marshallKey(key: Item): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(key))
    out[name] = typeof value === 'number' ? { N: String(value) } : { S: String(value) };
  return out;
}

function toNumber(reply: unknown): number | null {
  if (reply === null || reply === undefined) return null;
  const n = Number(reply);
  return Number.isFinite(n) ? n : null;
}

function toHash(reply: unknown): Record<string, string> {
  if (Array.isArray(reply)) return pairsToRecord(reply as string[]);
  if (reply && typeof reply === 'object') return reply as Record<string, string>;
  return {};
}
