import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { mapConcurrently } from '../../lambdas/kafka-to-dynamodb/mapConcurrently';
import { CoalescedJsonFile } from '../runtime/CoalescedJsonFile';
import { changePartitionKey, toKinesisChangeRecord } from './kinesisChangeRecord';

export interface StreamingDestinationOptions {
  readonly tableName: string;
  /** The table's DynamoDB stream, read from the start (or from the checkpoint). */
  readonly tableStreamArn: string;
  readonly kinesisStreamName: string;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  readonly region: string;
  /**
   * Where the last forwarded sequence number per shard is kept across runs (written at most every 250 ms, and
   * at stop: a crash re-sends the changes of the last 250 ms); in memory only when absent.
   */
  readonly checkpointFile?: string;
  /** Pause between passes that found nothing new. Default 200 ms. */
  readonly idleDelayMs?: number;
  /** Errors of a pass (the loop goes on); default stderr. */
  readonly onError?: (error: unknown) => void;
}

interface Checkpoint {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

const GET_RECORDS_LIMIT = 1000;
/**
 * PutRecord calls in flight at once, each for a different item (an item's changes go one after another).
 * One PutRecord per change, not PutRecords: kinesis-mock's PutRecords hashes the shard's whole record history
 * once per entry (it groups the entries by `(shard, records so far)`), so its cost per change grows with
 * everything the shard ever received and a run of some minutes at the demo's rate saturates it; PutRecord
 * appends at a cost that stays flat (docs/local-fidelity.md, "Kinesis streaming destination").
 */
export const PUT_CONCURRENCY = 8;
const PUT_ATTEMPTS = 5;
/** How long a described shard list is used before the stream is described again (the pollers refresh as often). */
const SHARD_REFRESH_MS = 5_000;

/**
 * Emulates a table's Kinesis streaming destination: forwards the table's DynamoDB stream (moto) to the
 * Kinesis stream (kinesis-mock) in DynamoDB's Kinesis format, each item's changes in order on one shard
 * (resends and checkpoints: docs/local-runtime.md).
 *
 * @example
 * ```ts
 * const destination = new KinesisStreamingDestination({ tableName, tableStreamArn, kinesisStreamName, dynamodbStreams, kinesis, region });
 * destination.start();
 * await destination.stop();
 * ```
 */
export class KinesisStreamingDestination {
  readonly #options: StreamingDestinationOptions;
  readonly #positions = new Map<string, string>();
  readonly #iterators = new Map<string, string>();
  readonly #checkpointFile: CoalescedJsonFile | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #forwarded = 0;
  /** The stream's shard ids and when they were read: a shard list changes rarely, a pass runs every 200 ms. */
  #shards: { readonly ids: readonly string[]; readonly at: number } | undefined;

  public constructor(options: StreamingDestinationOptions) {
    this.#options = options;
    this.#checkpointFile = options.checkpointFile
      ? new CoalescedJsonFile(
          options.checkpointFile,
          (): Checkpoint => ({
            streamArn: options.tableStreamArn,
            shards: Object.fromEntries(this.#positions),
          }),
          { onError: options.onError },
        )
      : undefined;
    const checkpoint = this.#readCheckpoint();
    if (checkpoint?.streamArn === options.tableStreamArn) {
      for (const [shardId, sequence] of Object.entries(checkpoint.shards))
        this.#positions.set(shardId, sequence);
    }
  }

  /** How many changes were forwarded since this instance was created. */
  public get forwarded(): number {
    return this.#forwarded;
  }

  /** Starts forwarding in the background until `stop`. */
  public start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /** Stops after the pass in progress, and writes the last checkpoint. */
  public async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    this.#loop = undefined;
    await this.#checkpointFile?.flush();
  }

  /**
   * One pass: forwards every change available now on every shard of the table's stream, and writes the
   * checkpoint; returns how many.
   */
  public async forwardAvailable(): Promise<number> {
    const count = await this.#pass();
    await this.#checkpointFile?.flush();
    return count;
  }

  async #pass(): Promise<number> {
    let count = 0;
    for (const shardId of await this.#shardIds()) count += await this.#forwardShard(shardId);
    return count;
  }

  /** The stream's shards, described again every SHARD_REFRESH_MS (as the pollers do) or after an error. */
  async #shardIds(): Promise<readonly string[]> {
    if (this.#shards && Date.now() - this.#shards.at < SHARD_REFRESH_MS) return this.#shards.ids;
    const { dynamodbStreams, tableStreamArn } = this.#options;
    const description = await dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: tableStreamArn }));
    const ids = (description.StreamDescription?.Shards ?? []).flatMap((shard) =>
      shard.ShardId ? [shard.ShardId] : [],
    );
    this.#shards = { ids, at: Date.now() };
    return ids;
  }

  async #run(): Promise<void> {
    const idle = this.#options.idleDelayMs ?? 200;
    while (!this.#stopping) {
      let count = 0;
      try {
        count = await this.#pass();
      } catch (error) {
        (
          this.#options.onError ??
          ((e) => console.error(`streaming destination ${this.#options.tableName}:`, e))
        )(error);
        this.#iterators.clear();
        this.#shards = undefined;
      }
      if (count === 0 && !this.#stopping) await sleep(idle);
    }
  }

  async #iterator(shardId: string): Promise<string | undefined> {
    const cached = this.#iterators.get(shardId);
    if (cached) return cached;
    const position = this.#positions.get(shardId);
    try {
      const response = await this.#options.dynamodbStreams.send(
        new GetShardIteratorCommand({
          StreamArn: this.#options.tableStreamArn,
          ShardId: shardId,
          ...(position
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return response.ShardIterator;
    } catch (error) {
      if (!position || !(error instanceof TrimmedDataAccessException)) throw error;
      this.#fellBehind(shardId);
      return this.#iterator(shardId);
    }
  }

  /** The stream trimmed what follows the last forwarded change: go on from the oldest record kept. */
  #fellBehind(shardId: string): void {
    const after = this.#positions.get(shardId);
    this.#positions.delete(shardId);
    this.#iterators.delete(shardId);
    (this.#options.onError ?? ((e) => console.error(`streaming destination ${this.#options.tableName}:`, e)))(
      new Error(
        `${this.#options.tableName} ${shardId}: changes after ${after ?? 'the start'} were trimmed from the stream before they were forwarded (lost); continuing from TRIM_HORIZON`,
      ),
    );
  }

  async #forwardShard(shardId: string): Promise<number> {
    let total = 0;
    // Bounded: a shard that keeps producing is left for the next pass after this many reads.
    for (let read = 0; read < 10 && !this.#stopping; read++) {
      const iterator = await this.#iterator(shardId);
      if (!iterator) return total;
      let response: GetRecordsCommandOutput;
      try {
        response = await this.#options.dynamodbStreams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }),
        );
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          this.#iterators.delete(shardId);
          continue;
        }
        if (error instanceof TrimmedDataAccessException) {
          this.#fellBehind(shardId);
          continue;
        }
        throw error;
      }
      const records = response.Records ?? [];
      if (records.length > 0) await this.#put(records);
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        this.#positions.set(shardId, last);
        this.#checkpointFile?.changed();
      }
      if (response.NextShardIterator) this.#iterators.set(shardId, response.NextShardIterator);
      else this.#iterators.delete(shardId);
      total += records.length;
      this.#forwarded += records.length;
      if (records.length === 0 || !response.NextShardIterator) return total;
    }
    return total;
  }

  /** Puts a page of changes: items side by side (PUT_CONCURRENCY), each item's changes in stream order. */
  async #put(records: readonly StreamRecord[]): Promise<void> {
    const byItem = new Map<string, Uint8Array[]>();
    for (const record of records) {
      const change = toKinesisChangeRecord(record, this.#options.tableName, this.#options.region);
      const partitionKey = changePartitionKey(change.dynamodb.Keys);
      const data = Buffer.from(JSON.stringify(change));
      const chain = byItem.get(partitionKey);
      if (chain) chain.push(data);
      else byItem.set(partitionKey, [data]);
    }
    let failure: { readonly error: unknown } | undefined;
    // No put throws out of the pool, so every one has stopped before a failure is reported: the next pass
    // re-reads from the checkpoint, and no put of this pass may land after one of that pass's puts.
    await mapConcurrently([...byItem], PUT_CONCURRENCY, async ([partitionKey, chain]) => {
      if (failure) return;
      try {
        for (const data of chain) await this.#putOne(partitionKey, data);
      } catch (error) {
        failure ??= { error };
      }
    });
    if (failure) throw failure.error;
  }

  async #putOne(partitionKey: string, data: Uint8Array): Promise<void> {
    const { kinesis, kinesisStreamName } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        await kinesis.send(
          new PutRecordCommand({ StreamName: kinesisStreamName, PartitionKey: partitionKey, Data: data }),
        );
        return;
      } catch (error) {
        if (attempt >= PUT_ATTEMPTS) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new Error(`PutRecord to ${kinesisStreamName} kept failing: ${reason}`, { cause: error });
        }
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  #readCheckpoint(): Checkpoint | undefined {
    const file = this.#options.checkpointFile;
    if (!file || !existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
    } catch {
      // A damaged checkpoint only means starting over from the stream's start.
      return undefined;
    }
  }
}
