/**
 * Writes items with BatchWriteItem: chunks of 25 (each key once per chunk, as DynamoDB requires), chunks in
 * parallel with bounded concurrency, `UnprocessedItems` retried with capped exponential backoff and jitter
 * while the invocation has time. Whatever is still unwritten is returned, never reported done. A chunk that
 * DynamoDB rejects as invalid is retried item by item so that only the bad item is refused.
 *
 * @example
 * ```ts
 * const { unwritten, rejected } = await batchWriteItems(requests, table, puts);
 * ```
 */
import type { SinkTableConfig } from '../../config/types';
import { DYNAMO_LIMITS, DYNAMO_WRITES } from './constants';
import type { DynamoRequests } from './DynamoRequests';
import { isValidationError, UnwrittenItemsError } from './errors';
import { keyId } from './itemKeys';
import { mapConcurrently } from './mapConcurrently';
import type { SdkItem } from './sdkItems';

export interface PendingPut {
  /** The item's {@link keyId}: unique among the puts of one call. */
  readonly id: string;
  readonly item: SdkItem;
  /** Lowest Kafka offset of the events this item stands for. */
  readonly offset: number;
}

export interface BatchWriteOutcome {
  /** Items not written: throttled or unprocessed beyond the retry budget, or their request failed. */
  readonly unwritten: readonly PendingPut[];
  /** Items DynamoDB refused as invalid, with its reason. */
  readonly rejected: readonly { readonly put: PendingPut; readonly error: unknown }[];
  /** Why items are unwritten. */
  readonly failure?: unknown;
}

async function putOneByOne(
  requests: DynamoRequests,
  table: SinkTableConfig,
  puts: readonly PendingPut[],
): Promise<BatchWriteOutcome> {
  const unwritten: PendingPut[] = [];
  const rejected: { put: PendingPut; error: unknown }[] = [];
  let failure: unknown;
  for (const put of puts) {
    try {
      await requests.put({ TableName: table.name, Item: put.item });
    } catch (error) {
      if (isValidationError(error)) rejected.push({ put, error });
      else {
        unwritten.push(put);
        failure = error;
      }
    }
  }
  return { unwritten, rejected, failure };
}

async function writeChunk(
  requests: DynamoRequests,
  table: SinkTableConfig,
  chunk: readonly PendingPut[],
): Promise<BatchWriteOutcome> {
  const budget = requests.budget();
  let pending = chunk;
  for (;;) {
    let unprocessed: readonly { PutRequest?: { Item?: SdkItem } }[];
    try {
      const response = await requests.batchWrite({
        RequestItems: { [table.name]: pending.map((put) => ({ PutRequest: { Item: put.item } })) },
      });
      unprocessed = response.UnprocessedItems?.[table.name] ?? [];
    } catch (error) {
      if (isValidationError(error)) return putOneByOne(requests, table, pending);
      return { unwritten: pending, rejected: [], failure: error };
    }
    if (unprocessed.length === 0) return { unwritten: [], rejected: [] };
    const left = new Set(unprocessed.map((request) => keyId(request.PutRequest?.Item ?? {}, table)));
    pending = pending.filter((put) => left.has(put.id));
    if (!(await budget.wait())) {
      const cause = `DynamoDB left them unprocessed after ${budget.retries} retries`;
      return { unwritten: pending, rejected: [], failure: new UnwrittenItemsError(pending.length, cause) };
    }
  }
}

export async function batchWriteItems(
  requests: DynamoRequests,
  table: SinkTableConfig,
  puts: readonly PendingPut[],
): Promise<BatchWriteOutcome> {
  const chunks: PendingPut[][] = [];
  for (let i = 0; i < puts.length; i += DYNAMO_LIMITS.batchWriteItems) {
    chunks.push(puts.slice(i, i + DYNAMO_LIMITS.batchWriteItems));
  }
  const outcomes = await mapConcurrently(chunks, DYNAMO_WRITES.concurrency, (chunk) =>
    writeChunk(requests, table, chunk),
  );
  return {
    unwritten: outcomes.flatMap((o) => o.unwritten),
    rejected: outcomes.flatMap((o) => o.rejected),
    failure: outcomes.find((o) => o.failure !== undefined)?.failure,
  };
}
