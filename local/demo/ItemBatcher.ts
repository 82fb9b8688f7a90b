/**
 * The demo writer's DynamoDB writes, sent as an ingesting application sends them: puts and deletes queued
 * for a few milliseconds and sent in BatchWriteItem calls of up to 25 (moto serves one 25-item batch in
 * about the time of two single writes). Each write resolves when DynamoDB accepted it; unprocessed items
 * go again with a short backoff. A caller keeps one write per item key in flight (BatchWriteItem refuses two
 * writes of one key in a call); the SourceWriter does, one entity at a time.
 *
 * @example
 * ```ts
 * const batcher = new ItemBatcher(dynamodb);
 * await batcher.put('sb-telemetry', marshall(item)); // sent with whatever else came within the linger
 * ```
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

/** BatchWriteItem's limit. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/** How long a write waits for others to share its call. */
export const BATCH_LINGER_MS = 5;
/** Sends of unprocessed items before the writes fail (the writer's own retry takes over). */
const UNPROCESSED_ATTEMPTS = 8;

interface Queued {
  readonly table: string;
  readonly request: WriteRequest;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ItemBatcher {
  readonly #dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly #lingerMs: number;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(dynamodb: Pick<DynamoDBClient, 'send'>, lingerMs = BATCH_LINGER_MS) {
    this.#dynamodb = dynamodb;
    this.#lingerMs = lingerMs;
  }

  put(table: string, item: Record<string, AttributeValue>): Promise<void> {
    return this.#enqueue(table, { PutRequest: { Item: item } });
  }

  delete(table: string, key: Record<string, AttributeValue>): Promise<void> {
    return this.#enqueue(table, { DeleteRequest: { Key: key } });
  }

  /** Sends what is queued now (the writer's flush). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0) void this.#send(this.#queue.splice(0, BATCH_WRITE_MAX_ITEMS));
  }

  #enqueue(table: string, request: WriteRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ table, request, resolve, reject });
      if (this.#queue.length >= BATCH_WRITE_MAX_ITEMS) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#lingerMs);
    });
  }

  async #send(batch: Queued[]): Promise<void> {
    let pending = batch;
    try {
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS)
          throw new Error(
            `BatchWriteItem left ${pending.length} items unprocessed ${UNPROCESSED_ATTEMPTS} times`,
          );
        if (attempt > 1)
          await new Promise((resolve) => setTimeout(resolve, Math.min(200, 25 * 2 ** attempt)));
        const requestItems: Record<string, WriteRequest[]> = {};
        for (const queued of pending) {
          const requests = requestItems[queued.table] ?? [];
          requests.push(queued.request);
          requestItems[queued.table] = requests;
        }
        const response = await this.#dynamodb.send(new BatchWriteItemCommand({ RequestItems: requestItems }));
        const unprocessed = new Set(Object.values(response.UnprocessedItems ?? {}).flat());
        const left = new Set<Queued>();
        // The service answers with the unprocessed requests as sent: match them by content.
        for (const request of unprocessed) {
          const text = JSON.stringify(request);
          const queued = pending.find((q) => !left.has(q) && JSON.stringify(q.request) === text);
          if (queued) left.add(queued);
        }
        for (const queued of pending) if (!left.has(queued)) queued.resolve();
        pending = [...left];
      }
    } catch (error) {
      for (const queued of pending) queued.reject(error);
    }
  }
}
