/**
 * Reads a sink table's item the way its readers should see it: eventually consistent unless asked, upsert
 * tombstone markers as absent, the sink's bookkeeping attributes removed, numbers as the change envelope
 * writes them (docs/sinks/dynamodb.md).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { numberToJson } from '../core/envelope/losslessMapping';
import { DYNAMO_SINK_ATTRIBUTES } from './constants';
import type { DynamoSend } from './DynamoRequests';
import { toSdkItem } from './sdkItems';

export interface ReadSinkItemOptions {
  /** Strongly consistent read (default false: eventually consistent). */
  readonly consistent?: boolean;
  /** Keep bookkeeping attributes and return tombstone markers as they are. */
  readonly raw?: boolean;
}

const PREFIXES: readonly string[] = [
  DYNAMO_SINK_ATTRIBUTES.watermarkPrefix,
  DYNAMO_SINK_ATTRIBUTES.coveredPrefix,
  DYNAMO_SINK_ATTRIBUTES.floorPrefix,
];
const BOOKKEEPING: ReadonlySet<string> = new Set(
  Object.values(DYNAMO_SINK_ATTRIBUTES).filter((name) => !PREFIXES.includes(name)),
);

/** Whether an attribute is the sink's own bookkeeping rather than data. */
function isBookkeepingAttribute(name: string): boolean {
  return BOOKKEEPING.has(name) || PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * An item of a sink table as its readers should see it; `undefined` when absent or deleted.
 *
 * @example
 * ```ts
 * const order = await readSinkItem(client, 'sb-order-state', { orderId: 'o-1' });
 * const fresh = await readSinkItem(client, 'sb-order-state', { orderId: 'o-1' }, { consistent: true });
 * ```
 */
export async function readSinkItem(
  client: DynamoSend,
  table: string,
  key: Readonly<Record<string, unknown>>,
  options: ReadSinkItemOptions = {},
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: toSdkItem(key, 'key'),
      ConsistentRead: options.consistent ?? false,
    }),
  );
  if (!Item) return undefined;
  // Numbers read back as the change envelope writes them: exact JSON numbers, else `{"$N": "…"}`.
  const item = unmarshall(Item, { wrapNumbers: numberToJson });
  if (options.raw) return item;
  if (item[DYNAMO_SINK_ATTRIBUTES.deleted] === true) return undefined;
  for (const name of Object.keys(item)) if (isBookkeepingAttribute(name)) delete item[name];
  return item;
}
