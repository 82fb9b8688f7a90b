/**
 * The items of a `sessions` mapping's table: a user's state item (timeline, per-partition watermarks,
 * revision, due-to-close index keys), its closed sessions (listed by user, and by day through the index)
 * and the daily counters. Key layout: docs/sinks/dynamodb.md, "Sessions and funnels".
 */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { SessionsMapping, SinkTableConfig } from '../../../config/types';
import { DYNAMO_SINK_ATTRIBUTES, DYNAMO_TTL } from '../constants';
import type { SdkItem } from '../sdkItems';
import { SESSION_ATTRIBUTES as ATTR, SESSION_KEYS, SESSION_LIMITS } from './constants';
import { utcDay } from './funnelReach';
import type { DayCounts, Session, UserTimeline } from './types';

/** Where a mapping's items live: its table's key names and its index's key names. */
export interface SessionTableLayout {
  readonly table: string;
  readonly pk: string;
  readonly sk: string;
  readonly indexName: string;
  readonly indexPk: string;
  readonly indexSk: string;
  readonly ttlAttribute?: string;
}

/** The layout of a mapping's table (the semantic checks made sure the keys and the index exist). */
export function sessionTableLayout(mapping: SessionsMapping, table: SinkTableConfig): SessionTableLayout {
  const index = table.globalIndexes?.find((i) => i.name === mapping.index);
  if (!table.sortKey || !index?.sortKey) {
    throw new Error(
      `mapping "${mapping.name}": table "${table.name}" needs a sort key and index "${mapping.index}"`,
    );
  }
  return {
    table: table.name,
    pk: table.partitionKey.name,
    sk: table.sortKey.name,
    indexName: index.name,
    indexPk: index.partitionKey.name,
    indexSk: index.sortKey.name,
    ...(table.ttlAttribute ? { ttlAttribute: table.ttlAttribute } : {}),
  };
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** The key of a user's state item. */
export function stateKey(layout: SessionTableLayout, mapping: string, user: string): SdkItem {
  return { [layout.pk]: s(`${SESSION_KEYS.user}${user}`), [layout.sk]: s(`${SESSION_KEYS.state}${mapping}`) };
}

/** The user id of a state item (from its partition key). */
export function userOfState(layout: SessionTableLayout, item: SdkItem): string {
  return (item[layout.pk]?.S ?? '').slice(SESSION_KEYS.user.length);
}

/** Which due bucket a user's state is listed in (a stable string hash). */
export function dueBucket(user: string): number {
  let hash = 2166136261;
  for (let i = 0; i < user.length; i++) hash = Math.imul(hash ^ user.charCodeAt(i), 16777619);
  return (hash >>> 0) % SESSION_LIMITS.dueBuckets;
}

/** The index partition of a mapping's due bucket. */
export function duePartition(mapping: string, bucket: number): string {
  return `${SESSION_KEYS.due}${mapping}#${bucket}`;
}

/** An index sort key bound: everything due at or before `time` sorts below it. */
export function dueBound(time: number): string {
  return String(time + 1).padStart(SESSION_LIMITS.dueDigits, '0');
}

export function readTimeline(item: SdkItem | undefined): UserTimeline | undefined {
  const text = item?.[ATTR.timeline]?.S;
  return text === undefined ? undefined : (JSON.parse(text) as UserTimeline);
}

export interface StateItemInput {
  readonly layout: SessionTableLayout;
  readonly mapping: string;
  readonly user: string;
  readonly timeline: UserTimeline;
  /** The stored item (for its revision and watermarks), absent for a new user. */
  readonly stored: SdkItem | undefined;
  readonly processedAt: number;
  /** When the schedule may close a session of it; absent with none open (the item leaves the index). */
  readonly dueAt: number | undefined;
  /** Watermark attribute and offset to set (event folds); the schedule's close keeps the stored ones. */
  readonly watermark?: { readonly attribute: string; readonly offset: number };
  /** The mapping's `retentionDays`: the state item expires that long after its last write. */
  readonly retentionDays?: number;
}

/** A Put of the new state item, conditioned on the revision it was planned from. */
export function statePut(input: StateItemInput): TransactWriteItem {
  const { layout, mapping, user, timeline, stored } = input;
  const item: SdkItem = {};
  for (const [name, value] of Object.entries(stored ?? {})) {
    if (name.startsWith(DYNAMO_SINK_ATTRIBUTES.watermarkPrefix)) item[name] = value;
  }
  const revision = Number(stored?.[DYNAMO_SINK_ATTRIBUTES.revision]?.N ?? 0);
  Object.assign(item, stateKey(layout, mapping, user), {
    [ATTR.userId]: s(user),
    [ATTR.timeline]: s(JSON.stringify(timeline)),
    [ATTR.processedAt]: n(input.processedAt),
    [DYNAMO_SINK_ATTRIBUTES.revision]: n(revision + 1),
  });
  if (input.watermark) item[input.watermark.attribute] = n(input.watermark.offset);
  if (input.retentionDays !== undefined && layout.ttlAttribute) {
    // A user gone quiet for the retention takes its horizon with it; only a replay from further back could notice.
    item[layout.ttlAttribute] = n(
      Math.floor(input.processedAt / 1000) + input.retentionDays * DYNAMO_TTL.secondsPerDay,
    );
  }
  if (input.dueAt !== undefined) {
    item[layout.indexPk] = s(duePartition(mapping, dueBucket(user)));
    item[layout.indexSk] = s(`${String(input.dueAt).padStart(SESSION_LIMITS.dueDigits, '0')}#${user}`);
  }
  const stamp = stored?.[DYNAMO_SINK_ATTRIBUTES.revision];
  return {
    Put: {
      TableName: layout.table,
      Item: item,
      ConditionExpression: stamp ? '#rev = :rev' : 'attribute_not_exists(#rev)',
      ExpressionAttributeNames: { '#rev': DYNAMO_SINK_ATTRIBUTES.revision },
      ...(stamp ? { ExpressionAttributeValues: { ':rev': stamp } } : {}),
    },
  };
}

/** A Put of a closed session (deterministic key: the same session always lands on the same item). */
export function sessionPut(
  layout: SessionTableLayout,
  mapping: SessionsMapping,
  user: string,
  session: Session,
): TransactWriteItem {
  const start = new Date(session.start).toISOString();
  const day = utcDay(session.start);
  const item: SdkItem = {
    [layout.pk]: s(`${SESSION_KEYS.user}${user}`),
    [layout.sk]: s(`${SESSION_KEYS.session}${mapping.name}#${start}`),
    [layout.indexPk]: s(`${SESSION_KEYS.day}${mapping.name}#${day}`),
    [layout.indexSk]: s(`${start}#${user}`),
    [ATTR.userId]: s(user),
    [ATTR.start]: s(start),
    [ATTR.end]: s(new Date(session.end).toISOString()),
    [ATTR.startMs]: n(session.start),
    [ATTR.endMs]: n(session.end),
    [ATTR.pages]: n(session.pages),
    [ATTR.durationMs]: n(session.end - session.start),
    [ATTR.day]: s(day),
  };
  if (mapping.retentionDays !== undefined && layout.ttlAttribute) {
    item[layout.ttlAttribute] = n(
      Math.floor(session.end / 1000) + mapping.retentionDays * DYNAMO_TTL.secondsPerDay,
    );
  }
  return { Put: { TableName: layout.table, Item: item } };
}

/** The counter updates of some days (sessions, pages, duration; funnel users per step), ADDed. */
export function counterUpdates(
  layout: SessionTableLayout,
  mapping: SessionsMapping,
  counts: ReadonlyMap<string, DayCounts>,
): TransactWriteItem[] {
  const updates: TransactWriteItem[] = [];
  for (const [day, c] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (c.sessions > 0) {
      updates.push({
        Update: {
          TableName: layout.table,
          Key: { [layout.pk]: s(`${SESSION_KEYS.counts}${mapping.name}`), [layout.sk]: s(day) },
          UpdateExpression: 'ADD #s :s, #p :p, #d :d',
          ExpressionAttributeNames: { '#s': ATTR.sessions, '#p': ATTR.pages, '#d': ATTR.durationMs },
          ExpressionAttributeValues: { ':s': n(c.sessions), ':p': n(c.pages), ':d': n(c.durationMs) },
        },
      });
    }
    const steps = mapping.funnel?.steps ?? [];
    const adds = c.funnel.flatMap((count, i) => (count > 0 ? [i] : []));
    if (adds.length > 0) {
      updates.push({
        Update: {
          TableName: layout.table,
          Key: { [layout.pk]: s(`${SESSION_KEYS.funnel}${mapping.name}`), [layout.sk]: s(day) },
          UpdateExpression: `ADD ${adds.map((i) => `#f${i} :f${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(adds.map((i) => [`#f${i}`, steps[i] as string])),
          ExpressionAttributeValues: Object.fromEntries(
            adds.map((i) => [`:f${i}`, n(c.funnel[i] as number)]),
          ),
        },
      });
    }
  }
  return updates;
}

/** Adds one user's counts into a chunk's. */
export function addCounts(into: Map<string, DayCounts>, from: ReadonlyMap<string, DayCounts>): void {
  for (const [day, c] of from) {
    const found = into.get(day);
    if (!found) {
      into.set(day, { ...c, funnel: [...c.funnel] });
      continue;
    }
    found.sessions += c.sessions;
    found.pages += c.pages;
    found.durationMs += c.durationMs;
    c.funnel.forEach((count, i) => {
      found.funnel[i] = (found.funnel[i] ?? 0) + count;
    });
  }
}
