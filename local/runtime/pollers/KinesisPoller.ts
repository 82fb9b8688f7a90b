import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { POLLER_LIMITS } from './constants';
import { MappingConfigError } from './errors';
import {
  type KinesisSourceRecord,
  kinesisEvent,
  kinesisFilterView,
  kinesisSourceRecord,
} from './kinesisEvent';
import { type IteratorPosition, type ShardDescription, type ShardPage, StreamPoller } from './StreamPoller';
import type { PollerContext } from './types';

/**
 * A Kinesis event source mapping (shared-throughput iterator, not enhanced fan-out) run locally against
 * kinesis-mock. Events carry base64 `data`; filters see `data` decoded from JSON; ParallelizationFactor
 * keeps order per partition key. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 *
 * @example
 * ```ts
 * const poller = new KinesisPoller(context, new KinesisClient({ endpoint, requestHandler: new NodeHttpHandler() }));
 * await poller.start();
 * ```
 */
export class KinesisPoller extends StreamPoller<KinesisSourceRecord> {
  protected readonly sourceKind = 'kinesis';
  protected readonly getRecordsLimit = POLLER_LIMITS.kinesisGetRecordsLimit;
  readonly #client: KinesisClient;
  readonly #streamName: string;

  constructor(context: PollerContext, client: KinesisClient) {
    super(context);
    this.#client = client;
    const name = this.streamArn.split(':stream/')[1];
    if (!name) {
      throw new MappingConfigError(
        context.mapping.logicalId,
        `${this.streamArn} is not a Kinesis stream ARN`,
      );
    }
    this.#streamName = name;
  }

  protected async listShards(): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      // ListShards takes either the stream or a continuation token, never both.
      const response = await this.#client.send(
        new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: this.#streamName }),
      );
      for (const shard of response.Shards ?? []) {
        if (!shard.ShardId) continue;
        shards.push({
          shardId: shard.ShardId,
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        });
      }
      nextToken = response.NextToken;
      if (!nextToken) break;
    }
    return shards;
  }

  protected async shardIterator(shardId: string, position: IteratorPosition): Promise<string> {
    const { ShardIterator } = await this.#client.send(
      new GetShardIteratorCommand({
        StreamName: this.#streamName,
        ShardId: shardId,
        ShardIteratorType: position.type as ShardIteratorType,
        ...(position.type === 'AFTER_SEQUENCE_NUMBER'
          ? { StartingSequenceNumber: position.sequenceNumber }
          : {}),
      }),
    );
    if (!ShardIterator) throw new Error(`no shard iterator for ${shardId} of ${this.streamArn}`);
    return ShardIterator;
  }

  protected async readPage(
    shardId: string,
    iterator: string,
    limit: number,
  ): Promise<ShardPage<KinesisSourceRecord>> {
    const page = await this.#client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    const where = {
      shardId,
      streamArn: this.streamArn,
      region: this.context.region,
      invokeIdentityArn: `arn:aws:iam::${this.context.accountId}:role/${this.context.fn.functionName}-role`,
    };
    return {
      records: (page.Records ?? []).map((raw) => kinesisSourceRecord(raw, where)),
      nextIterator: page.NextShardIterator ?? undefined,
      behind: (page.MillisBehindLatest ?? 0) > 0,
    };
  }

  protected isExpiredIterator(error: unknown): boolean {
    return error instanceof Error && error.name === 'ExpiredIteratorException';
  }

  protected filterView(record: KinesisSourceRecord): unknown {
    return kinesisFilterView(record);
  }

  protected buildEvent(records: readonly KinesisSourceRecord[]): KinesisStreamEvent {
    return kinesisEvent(records);
  }
}
