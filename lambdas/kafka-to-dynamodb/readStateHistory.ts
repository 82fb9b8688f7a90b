/**
 * Reads a state mapping's history table the way its readers should: an entity's versions (its audit
 * trail), or its state as of a version or a time with as few items as the snapshots allow (one Query,
 * newest first, stopping at the snapshot the fold starts from). The same access pattern on AWS, with
 * the aws CLI: docs/sinks/dynamodb.md, "History".
 *
 * @example
 * ```ts
 * const table = { name: 'sb-order-history', partitionKey: 'orderId', sortKey: 'version' };
 * const trail = await readStateHistory(client, table, 'o-1');
 * const asOf = await readStateAsOf(client, table, 'o-1', { at: Date.parse('2026-11-26T09:00:00Z') });
 * ```
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { numberToJson } from '../core/envelope/losslessMapping';
import { HISTORY_ATTRIBUTES as H } from './constants';
import type { DynamoSend } from './DynamoRequests';
import { toSdkAttribute } from './sdkItems';
import type { AsOf, FoldOptions, HistoryEntry, StateAsOf } from './stateAsOf';
import { foldAsOf, isAtOrBefore } from './stateAsOf';

/** Where a state mapping keeps its history: the table and its key attribute names. */
export interface StateHistoryTable {
  readonly name: string;
  readonly partitionKey: string;
  /** The sort key, holding the version. */
  readonly sortKey: string;
}

export interface ReadHistoryOptions {
  /** Strongly consistent reads (default false: eventually consistent). */
  readonly consistent?: boolean;
}

type Json = Record<string, unknown>;

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A history item (plain JSON) as a {@link HistoryEntry}. */
export function toHistoryEntry(item: Json, table: StateHistoryTable): HistoryEntry {
  const state = item[H.state];
  return {
    version: Number(item[table.sortKey]),
    at: Number(item[H.at] ?? 0),
    eventId: optionalText(item[H.eventId]),
    actor: optionalText(item[H.actor]),
    cause: optionalText(item[H.cause]),
    source: optionalText(item[H.source]),
    change: (item[H.change] as Json | undefined) ?? {},
    ...(state && typeof state === 'object' ? { state: state as Json } : {}),
  };
}

async function* queryPages(
  client: DynamoSend,
  table: StateHistoryTable,
  key: unknown,
  options: ReadHistoryOptions & { readonly newestFirst: boolean; readonly upToVersion?: number },
): AsyncGenerator<HistoryEntry[]> {
  const upTo = options.upToVersion;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: upTo === undefined ? '#pk = :pk' : '#pk = :pk AND #v <= :v',
        ExpressionAttributeNames: {
          '#pk': table.partitionKey,
          ...(upTo === undefined ? {} : { '#v': table.sortKey }),
        },
        ExpressionAttributeValues: {
          ':pk': toSdkAttribute(key, table.partitionKey),
          ...(upTo === undefined ? {} : { ':v': { N: String(upTo) } }),
        },
        ScanIndexForward: !options.newestFirst,
        ConsistentRead: options.consistent ?? false,
        ExclusiveStartKey: start,
      }),
    );
    yield (page.Items ?? []).map((raw) =>
      toHistoryEntry(unmarshall(raw, { wrapNumbers: numberToJson }), table),
    );
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every version of an entity, oldest first: its audit trail (what changed, when, by whom). */
export async function readStateHistory(
  client: DynamoSend,
  table: StateHistoryTable,
  key: unknown,
  options: ReadHistoryOptions = {},
): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for await (const page of queryPages(client, table, key, { ...options, newestFirst: false })) {
    entries.push(...page);
  }
  return entries;
}

/**
 * The entity's state as of a version or a time; `undefined` before its first event. Reads newest first
 * (from the version itself when a version is asked) down to the snapshot the fold starts from.
 */
export async function readStateAsOf(
  client: DynamoSend,
  table: StateHistoryTable,
  key: unknown,
  asOf: AsOf,
  options: ReadHistoryOptions & Omit<FoldOptions, 'key'> = {},
): Promise<StateAsOf | undefined> {
  const entries: HistoryEntry[] = [];
  let found = false;
  const pages = queryPages(client, table, key, {
    ...options,
    newestFirst: true,
    ...('version' in asOf ? { upToVersion: asOf.version } : {}),
  });
  scan: for await (const page of pages) {
    for (const entry of page) {
      found ||= isAtOrBefore(entry, asOf);
      if (!found) continue;
      entries.push(entry);
      if (entry.state || entry.version <= 1) break scan;
    }
  }
  return foldAsOf(entries, asOf, { ...options, key: { [table.partitionKey]: key } });
}
