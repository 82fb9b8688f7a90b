/**
 * Reads back, for every key of the tally, what the sinks hold: Redis values in pipelined round trips and
 * DynamoDB items with BatchGetItem / Query, strongly consistent, as a dashboard would read them. The result
 * feeds {@link verifyResults}; nothing here decides what is right. Details: docs/cli.md ("How the verifier
 * reads the sinks").
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
import { mapConcurrently } from '../../lambdas/kafka-to-dynamodb/mapConcurrently';
import { readStateHistory } from '../../lambdas/kafka-to-dynamodb/readStateHistory';
import type { HistoryEntry } from '../../lambdas/kafka-to-dynamodb/stateAsOf';
import { thresholdKeys } from '../../lambdas/kafka-to-redis/thresholds/constants';
import type { AlertReader } from './AlertReader';
import type { DemoPipeline } from './demoPipeline';
import { renderKey } from './demoPipeline';
import { historySample } from './orderHistoryCheck';
import { readClickSessions } from './readClickSessions';
import { readUniqueCounts } from './readUniqueCounts';
import type { Expectation } from './Tally';
import type {
  DeadLetterMessage,
  ObservedAlerts,
  ObservedSession,
  ObservedState,
  ObservedStream,
  ObservedStreamEntry,
} from './types';
import { compareStreamIds, numberField } from './verifyResults';

export interface SinkReaderOptions {
  readonly pipeline: DemoPipeline;
  readonly redis: Redis;
  readonly dynamodb: DynamoDBClient;
  /** The alert topic's reader; without it the threshold mapping's alerts are not read. */
  readonly alerts?: AlertReader;
}

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
/** History Queries in flight at once. */
const HISTORY_READS_IN_FLIGHT = 16;
const MAX_UNPROCESSED_ROUNDS = 20;
/** Redis commands per pipeline round trip. */
const PIPELINE_CHUNK = 500;
/** Streams read per MULTI (two commands each). */
const STREAM_CHUNK = 50;

interface StreamHistory {
  /** Id of the newest entry read, where the next pass starts (exclusive). */
  lastId?: string;
  readonly entries: { readonly id: string; readonly ts?: number; present: boolean }[];
}

interface StreamInfo {
  readonly length: number;
  readonly added: number;
  readonly firstId?: string;
}

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
  readonly #alerts: AlertReader | undefined;
  readonly #streams = new Map<string, StreamHistory>();
  #lastPass: Promise<unknown> = Promise.resolve();

  constructor(options: SinkReaderOptions) {
    this.#pipeline = options.pipeline;
    this.#redis = options.redis;
    this.#dynamodb = options.dynamodb;
    this.#alerts = options.alerts;
  }

  async read(
    expectation: Expectation,
    deadLetters: readonly DeadLetterMessage[] = [],
    onFailureMessages = 0,
  ): Promise<ObservedState> {
    // One pass at a time: a pass reads each stream from where the previous one stopped, so two passes
    // overlapping (the live view's and the drain loop's) would both read the same new entries.
    const pass = this.#lastPass.then(async () => {
      // The topic before the alert set: a transition is committed to Redis before it is sent, so the set
      // read after the topic is never behind it.
      const alertMessages = await this.#alerts?.read();
      const [redisState, dynamoState, clickSessions, current] = await Promise.all([
        this.#readRedis(expectation),
        this.#readDynamo(expectation),
        readClickSessions(this.#pipeline, expectation, this.#dynamodb),
        alertMessages ? this.#readAlertSet(expectation) : undefined,
      ]);
      const alerts: ObservedAlerts | undefined =
        alertMessages && current ? { messages: alertMessages, current } : undefined;
      return {
        ...redisState,
        ...dynamoState,
        ...(clickSessions ? { clickSessions } : {}),
        ...(alerts ? { alerts } : {}),
        deadLetters,
        onFailureMessages,
      };
    });
    this.#lastPass = pass.catch(() => undefined);
    return pass;
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
    const sessions = [...e.sessions.values()];
    const products = [...e.products.values()];
    const streamKeys = [...e.streams.keys()];
    const commands: (string | number)[][] = [
      ...counterKeys.map((k) => ['GET', k]),
      ...boards.map(([k, m]) => ['ZSCORE', k, m]),
      ...sessions.flatMap((s) => [
        ['HGETALL', s.key],
        ['TTL', s.key],
      ]),
      ...products.map((p) => (cache.store === 'hash' ? ['HGETALL', p.key] : ['GET', p.key])),
    ];
    const [replies, streams, uniques] = await Promise.all([
      this.#run(commands),
      this.#readStreams(streamKeys),
      readUniqueCounts(this.#redis, new Map([...e.uniques].map(([key, { elements }]) => [key, elements]))),
    ]);
    let at = 0;
    const next = () => replies[at++];
    const counters = new Map(counterKeys.map((k) => [k, toNumber(next())]));
    const leaderboards = new Map<string, Map<string, number | null>>();
    for (const [key, member] of boards) {
      const board = leaderboards.get(key) ?? new Map<string, number | null>();
      board.set(member, toNumber(next()));
      leaderboards.set(key, board);
    }
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
    return { counters, leaderboards, uniques, sessions: sessionsSeen, cache: cacheSeen, streams };
  }

  /** The threshold mapping's current alert of each of the run's sensors that has one. */
  async #readAlertSet(e: Expectation): Promise<Map<string, string>> {
    const { threshold } = this.#pipeline.redis;
    const keys = [...e.readings.keys()].map((deviceId) => renderKey(threshold.keyT, { deviceId }));
    const current = new Map<string, string>();
    if (keys.length === 0) return current;
    const values = (await this.#redis.call('HMGET', thresholdKeys(threshold.name).alerts, ...keys)) as (
      | string
      | null
    )[];
    keys.forEach((key, i) => {
      const value = values[i];
      if (value) current.set(key, value);
    });
    return current;
  }

  /**
   * Reads the entries added to each stream since the previous pass and the stream's counts, atomically, and
   * marks which entries read so far are still there (a full re-read only when the counts disagree, i.e.
   * something was deleted below the newest entry).
   */
  async #readStreams(keys: readonly string[]): Promise<Map<string, ObservedStream>> {
    const result = new Map<string, ObservedStream>();
    for (let i = 0; i < keys.length; i += STREAM_CHUNK) {
      const chunk = keys.slice(i, i + STREAM_CHUNK);
      const multi = this.#redis.multi();
      for (const key of chunk) {
        const lastId = this.#streams.get(key)?.lastId;
        multi.call('XINFO', 'STREAM', key);
        multi.call('XRANGE', key, lastId === undefined ? '-' : `(${lastId}`, '+');
      }
      const replies = (await multi.exec()) ?? [];
      for (const [k, key] of chunk.entries()) {
        const [infoError, infoReply] = replies[2 * k] ?? [];
        const [rangeError, rangeReply] = replies[2 * k + 1] ?? [];
        if (rangeError) throw rangeError;
        // A stream that does not exist yet answers XINFO with an error: nothing was added to it.
        const info = infoError ? { length: 0, added: 0 } : parseStreamInfo(key, infoReply);
        const history = this.#streams.get(key) ?? { entries: [] };
        this.#streams.set(key, history);
        for (const [id, fields] of parseEntries(rangeReply)) {
          history.entries.push({ id, ts: numberField(fields, 'ts'), present: true });
          history.lastId = id;
        }
        await this.#markPresent(key, history, info);
        result.set(key, {
          length: info.length,
          added: info.added,
          firstId: info.firstId,
          entries: history.entries.map((entry): ObservedStreamEntry => ({ ...entry })),
        });
      }
    }
    return result;
  }

  async #markPresent(key: string, history: StreamHistory, info: StreamInfo): Promise<void> {
    let present = 0;
    for (const entry of history.entries) {
      if (entry.present && (info.firstId === undefined || compareStreamIds(entry.id, info.firstId) < 0))
        entry.present = false;
      if (entry.present) present += 1;
    }
    if (present === info.length) return;
    const ids = new Set(parseEntries(await this.#redis.call('XRANGE', key, '-', '+')).map(([id]) => id));
    for (const entry of history.entries) entry.present &&= ids.has(entry.id);
  }

  async #readDynamo(e: Expectation) {
    const { aggregate, state, replica } = this.#pipeline.dynamodb;
    const aggregateEntries = [...e.aggregates];
    const [seriesSeen, aggregateItems, orderItems, replicaItems, orderHistories] = await Promise.all([
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
      this.#readOrderHistories(e),
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
      ...(orderHistories ? { orderHistories } : {}),
    };
  }

  /** The histories of the sampled orders (one Query each), when the state keeps history. */
  async #readOrderHistories(e: Expectation): Promise<Map<string, HistoryEntry[]> | undefined> {
    const { state } = this.#pipeline.dynamodb;
    const table = state.historyTable;
    if (!table) return undefined;
    const sample = historySample(e);
    const histories = await mapConcurrently(sample, HISTORY_READS_IN_FLIGHT, (orderId) =>
      readStateHistory(this.#dynamodb, table, renderKey(state.pkT, { orderId }), { consistent: true }),
    );
    return new Map(sample.map((orderId, i) => [orderId, histories[i] ?? []]));
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

function parseEntries(reply: unknown): [string, Record<string, string>][] {
  if (!Array.isArray(reply)) return [];
  return reply.map((entry) => {
    const [id, fields] = entry as [string, string[]];
    return [String(id), pairsToRecord(Array.isArray(fields) ? fields : [])];
  });
}

function parseStreamInfo(key: string, reply: unknown): StreamInfo {
  const info = new Map<string, unknown>();
  const pairs = Array.isArray(reply) ? reply : [];
  for (let i = 0; i + 1 < pairs.length; i += 2) info.set(String(pairs[i]), pairs[i + 1]);
  const added = toNumber(info.get('entries-added'));
  if (added === null)
    throw new Error(
      `XINFO STREAM ${key} has no entries-added: verifying capped streams needs Redis 7.0 or later`,
    );
  const first = info.get('first-entry');
  return {
    length: toNumber(info.get('length')) ?? 0,
    added,
    firstId: Array.isArray(first) && first.length > 0 ? String(first[0]) : undefined,
  };
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
