import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { POLLER_LIMITS } from './constants';
import { type DynamoSourceRecord, dynamoSourceRecord, dynamoStreamEvent } from './dynamoStreamEvent';
import { type IteratorPosition, type ShardDescription, type ShardPage, StreamPoller } from './StreamPoller';
import type { PollerContext } from './types';

/**
 * A DynamoDB Streams event source mapping run locally against the DynamoDB Streams endpoint (moto). Events
 * are `DynamoDBStreamEvent`s; filters see the whole stream record (`eventName`, `dynamodb.NewImage`, ...)
 * in DynamoDB JSON; ParallelizationFactor keeps order per item.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 *
 * @example
 * ```ts
 * const poller = new DynamoStreamsPoller(context, new DynamoDBStreamsClient({ endpoint }));
 * await poller.start();
 * ```
 */
export class DynamoStreamsPoller extends StreamPoller<DynamoSourceRecord> {
  protected readonly sourceKind = 'dynamodb-streams';
  protected readonly getRecordsLimit = POLLER_LIMITS.dynamoGetRecordsLimit;
  readonly #client: DynamoDBStreamsClient;

  constructor(context: PollerContext, client: DynamoDBStreamsClient) {
    super(context);
    this.#client = client;
  }

  protected async listShards(): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let start: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const { StreamDescription } = await this.#client.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        shards.push({
          shardId: shard.ShardId,
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        });
      }
      start = StreamDescription?.LastEvaluatedShardId;
      if (!start) break;
    }
    return shards;
  }

  protected async shardIterator(shardId: string, position: IteratorPosition): Promise<string> {
    const { ShardIterator } = await this.#client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: position.type as ShardIteratorType,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
      }),
    );
    if (!ShardIterator) throw new Error(`no shard iterator for ${shardId} of ${this.streamArn}`);
    return ShardIterator;
  }

  protected async readPage(
    _shardId: string,
    iterator: string,
    limit: number,
  ): Promise<ShardPage<DynamoSourceRecord>> {
    const page = await this.#client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    const where = { streamArn: this.streamArn, region: this.context.region };
    return {
      records: (page.Records ?? []).map((raw) => dynamoSourceRecord(raw, where)),
      nextIterator: page.NextShardIterator ?? undefined,
    };
  }

  protected isExpiredIterator(error: unknown): boolean {
    return error instanceof Error && error.name === 'ExpiredIteratorException';
  }

  /** GetShardIterator or GetRecords at a position older than the stream's retention (24 h on AWS). */
  protected override isTrimmed(error: unknown): boolean {
    return error instanceof Error && error.name === 'TrimmedDataAccessException';
  }

  protected filterView(record: DynamoSourceRecord): unknown {
    return record.eventRecord;
  }

  protected buildEvent(records: readonly DynamoSourceRecord[]): DynamoDBStreamEvent {
    return dynamoStreamEvent(records);
  }
}
