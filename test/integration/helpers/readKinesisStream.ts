/**
 * Reads back what landed on a Kinesis stream of the local kinesis-mock server, for tests that check what a
 * component forwarded there.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';

export interface ReadKinesisRecord<T> {
  readonly shardId: string;
  readonly partitionKey: string;
  /** The record's data, parsed as JSON. */
  readonly data: T;
}

/**
 * The records of every shard of a stream from its start (`TRIM_HORIZON`, one GetRecords page per shard),
 * shard by shard; poll it in a bounded wait until what the test expects arrived.
 *
 * @example
 * ```ts
 * const records = await readKinesisStream<KinesisChangeRecord>(clients.kinesis, 'orders-changes');
 * ```
 */
export async function readKinesisStream<T>(
  kinesis: KinesisClient,
  streamName: string,
): Promise<ReadKinesisRecord<T>[]> {
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const read: ReadKinesisRecord<T>[] = [];
  for (const shard of shards) {
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const records = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    for (const record of records.Records ?? []) {
      read.push({
        shardId: shard.ShardId ?? '',
        partitionKey: record.PartitionKey ?? '',
        data: JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')) as T,
      });
    }
  }
  return read;
}
