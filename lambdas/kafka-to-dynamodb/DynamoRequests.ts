/**
 * The sink's DynamoDB calls for one partition batch: each request is retried while DynamoDB throttles it
 * (within the invocation's remaining time), and requests, retries and throttles are counted for metrics.
 *
 * @example
 * ```ts
 * const requests = new DynamoRequests(client, batch.remainingMs);
 * await requests.update({ TableName, Key, UpdateExpression });
 * metrics.add('DynamoWriteRequests', 'Count', requests.counts.writes);
 * ```
 */
import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  DynamoDBClient,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  TransactWriteItemsCommandInput,
  TransactWriteItemsCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { isThrottle } from './errors';
import { RetryBudget } from './RetryBudget';

/** The one client method the sink uses (tests may wrap it to force throttling). */
export type DynamoSend = Pick<DynamoDBClient, 'send'>;

export interface RequestCounts {
  reads: number;
  writes: number;
  /** Requests DynamoDB throttled (each retried or, out of time, reported failed). */
  throttled: number;
}

export class DynamoRequests {
  readonly #client: DynamoSend;
  readonly #remainingMs: () => number;
  readonly counts: RequestCounts = { reads: 0, writes: 0, throttled: 0 };

  constructor(client: DynamoSend, remainingMs: () => number) {
    this.#client = client;
    this.#remainingMs = remainingMs;
  }

  /** A fresh retry budget bound to this invocation's remaining time. */
  budget(): RetryBudget {
    return new RetryBudget(this.#remainingMs);
  }

  batchWrite(input: BatchWriteItemCommandInput): Promise<BatchWriteItemCommandOutput> {
    return this.#send('writes', () => this.#client.send(new BatchWriteItemCommand(input)));
  }

  update(input: UpdateItemCommandInput): Promise<UpdateItemCommandOutput> {
    return this.#send('writes', () => this.#client.send(new UpdateItemCommand(input)));
  }

  put(input: PutItemCommandInput): Promise<PutItemCommandOutput> {
    return this.#send('writes', () => this.#client.send(new PutItemCommand(input)));
  }

  transactWrite(input: TransactWriteItemsCommandInput): Promise<TransactWriteItemsCommandOutput> {
    return this.#send('writes', () => this.#client.send(new TransactWriteItemsCommand(input)));
  }

  query(input: QueryCommandInput): Promise<QueryCommandOutput> {
    return this.#send('reads', () => this.#client.send(new QueryCommand(input)));
  }

  get(input: GetItemCommandInput): Promise<GetItemCommandOutput> {
    return this.#send('reads', () => this.#client.send(new GetItemCommand(input)));
  }

  batchGet(input: BatchGetItemCommandInput): Promise<BatchGetItemCommandOutput> {
    return this.#send('reads', () => this.#client.send(new BatchGetItemCommand(input)));
  }

  async #send<T>(kind: 'reads' | 'writes', call: () => Promise<T>): Promise<T> {
    const budget = this.budget();
    for (;;) {
      this.counts[kind]++;
      try {
        return await call();
      } catch (error) {
        if (!isThrottle(error)) throw error;
        this.counts.throttled++;
        if (!(await budget.wait())) throw error;
      }
    }
  }
}
