/**
 * The read side of a `sessions` mapping, one call per access pattern (docs/sinks/dynamodb.md lists them
 * with the raw requests): a user's sessions, a day's sessions (through the index), a day's session
 * counts, a day's funnel, and a user's open sessions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { SessionsMapping, SinkTableConfig } from '../../../config/types';
import type { DynamoSend } from '../DynamoRequests';
import { SESSION_ATTRIBUTES as ATTR, SESSION_KEYS } from './constants';
import { readTimeline, sessionTableLayout, stateKey } from './sessionItems';
import type { Session } from './types';

/** A closed session as its item holds it. */
export interface StoredSession extends Session {
  readonly userId: string;
  readonly day: string;
  readonly durationMs: number;
}

export interface SessionCounts {
  readonly sessions: number;
  readonly pages: number;
  readonly durationMs: number;
}

type Item = Record<string, AttributeValue>;

function num(item: Item, name: string): number {
  return Number(item[name]?.N ?? 0);
}

function storedSession(item: Item): StoredSession {
  return {
    userId: item[ATTR.userId]?.S ?? '',
    day: item[ATTR.day]?.S ?? '',
    start: num(item, ATTR.startMs),
    end: num(item, ATTR.endMs),
    pages: num(item, ATTR.pages),
    durationMs: num(item, ATTR.durationMs),
  };
}

async function queryAll(client: DynamoSend, input: ConstructorParameters<typeof QueryCommand>[0]) {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Reads a `sessions` mapping's items.
 *
 * @example
 * ```ts
 * const reader = new SessionReader(client, mapping, table);
 * await reader.funnel('2026-12-04'); // { view: 120, cart: 64, checkout: 30, paid: 21 }
 * ```
 */
export class SessionReader {
  readonly #client: DynamoSend;
  readonly #mapping: SessionsMapping;
  readonly #layout: ReturnType<typeof sessionTableLayout>;

  constructor(client: DynamoSend, mapping: SessionsMapping, table: SinkTableConfig) {
    this.#client = client;
    this.#mapping = mapping;
    this.#layout = sessionTableLayout(mapping, table);
  }

  /** A user's closed sessions, by start: Query `pk = user#<id>`, `begins_with(sk, session#<mapping>#)`. */
  async userSessions(user: string, consistent = false): Promise<StoredSession[]> {
    const { table, pk, sk } = this.#layout;
    const items = await queryAll(this.#client, {
      TableName: table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: {
        ':pk': { S: `${SESSION_KEYS.user}${user}` },
        ':prefix': { S: `${SESSION_KEYS.session}${this.#mapping.name}#` },
      },
      ConsistentRead: consistent,
    });
    return items.map(storedSession);
  }

  /**
   * A user's closed sessions and those still open, in one Query: the state item and the closed sessions
   * share the user's partition (`user#<id>`), so the verifier reads each user with one request.
   */
  async userPartition(
    user: string,
    consistent = false,
  ): Promise<{ closed: StoredSession[]; open: Session[] }> {
    const { table, pk, sk } = this.#layout;
    const items = await queryAll(this.#client, {
      TableName: table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk },
      ExpressionAttributeValues: { ':pk': { S: `${SESSION_KEYS.user}${user}` } },
      ConsistentRead: consistent,
    });
    const sessionPrefix = `${SESSION_KEYS.session}${this.#mapping.name}#`;
    const stateSk = `${SESSION_KEYS.state}${this.#mapping.name}`;
    const closed = items.filter((item) => item[sk]?.S?.startsWith(sessionPrefix)).map(storedSession);
    const state = items.find((item) => item[sk]?.S === stateSk);
    return { closed, open: [...(readTimeline(state)?.open ?? [])] };
  }

  /** A UTC day's closed sessions, by start: Query the index, `gsi pk = day#<mapping>#<yyyy-MM-dd>`. */
  async daySessions(day: string): Promise<StoredSession[]> {
    const { table, indexName, indexPk } = this.#layout;
    const items = await queryAll(this.#client, {
      TableName: table,
      IndexName: indexName,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': indexPk },
      ExpressionAttributeValues: { ':p': { S: `${SESSION_KEYS.day}${this.#mapping.name}#${day}` } },
    });
    return items.map(storedSession);
  }

  /** A UTC day's closed-session counts: GetItem `pk = counts#<mapping>`, `sk = <yyyy-MM-dd>`. */
  async dayCounts(day: string, consistent = false): Promise<SessionCounts> {
    const item = await this.#get(`${SESSION_KEYS.counts}${this.#mapping.name}`, day, consistent);
    return {
      sessions: num(item, ATTR.sessions),
      pages: num(item, ATTR.pages),
      durationMs: num(item, ATTR.durationMs),
    };
  }

  /** A UTC day's funnel, users per step: GetItem `pk = funnel#<mapping>`, `sk = <yyyy-MM-dd>`. */
  async funnel(day: string, consistent = false): Promise<Record<string, number>> {
    const item = await this.#get(`${SESSION_KEYS.funnel}${this.#mapping.name}`, day, consistent);
    return Object.fromEntries((this.#mapping.funnel?.steps ?? []).map((step) => [step, num(item, step)]));
  }

  /** A user's sessions still open (from its state item). */
  async openSessions(user: string, consistent = false): Promise<Session[]> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#layout.table,
        Key: stateKey(this.#layout, this.#mapping.name, user),
        ConsistentRead: consistent,
      }),
    );
    return [...(readTimeline(Item)?.open ?? [])];
  }

  async #get(pk: string, sk: string, consistent: boolean): Promise<Item> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.#layout.table,
        Key: { [this.#layout.pk]: { S: pk }, [this.#layout.sk]: { S: sk } },
        ConsistentRead: consistent,
      }),
    );
    return Item ?? {};
  }
}
