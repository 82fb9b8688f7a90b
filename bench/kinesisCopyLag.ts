/**
 * How long the DynamoDB → Kinesis copy (the local Kinesis streaming destination) took for the changes of a
 * time span: each Kinesis record's arrival (`ApproximateArrivalTimestamp`, set by kinesis-mock when the put
 * lands) less the change's `ApproximateCreationDateTime` (set by moto when the item was written, in ms in the
 * Kinesis format). The telemetry paths pay it before Kinesis's once-a-second read.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { percentile } from './harness';

/** Reads per shard at most: a step's changes fit in a few pages of 10 000. */
const MAX_READS_PER_SHARD = 50;

export interface CopyLag {
  readonly changes: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The creation time (epoch ms) of a change in DynamoDB's Kinesis format, or undefined. */
export function changeCreatedAt(data: Uint8Array): number | undefined {
  try {
    const change = JSON.parse(Buffer.from(data).toString('utf8')) as {
      dynamodb?: { ApproximateCreationDateTime?: number };
    };
    const created = Number(change.dynamodb?.ApproximateCreationDateTime);
    if (!Number.isFinite(created) || created <= 0) return undefined;
    // The Kinesis format gives milliseconds; a value in seconds (the DynamoDB Streams format) is scaled.
    return created > 1e12 ? created : created * 1000;
  } catch {
    return undefined;
  }
}

/**
 * The copy lag of every change created in [from, to] on the stream, read from `from` (AT_TIMESTAMP).
 *
 * @example
 * ```ts
 * const lag = await kinesisCopyLag(clients.kinesis, 'telemetry-changes', startedAt, endedAt); // { p99, … }
 * ```
 */
export async function kinesisCopyLag(
  kinesis: KinesisClient,
  streamName: string,
  from: number,
  to: number,
): Promise<CopyLag | undefined> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const lags: number[] = [];
  for (const shard of Shards) {
    if (!shard.ShardId) continue;
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(from),
        }),
      )
    ).ShardIterator;
    for (let read = 0; read < MAX_READS_PER_SHARD && iterator; read++) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        const created = record.Data ? changeCreatedAt(record.Data) : undefined;
        const arrived = record.ApproximateArrivalTimestamp?.getTime();
        if (created === undefined || arrived === undefined || created < from || created > to) continue;
        lags.push(arrived - created);
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  if (lags.length === 0) return undefined;
  return {
    changes: lags.length,
    p50: percentile(lags, 50),
    p90: percentile(lags, 90),
    p99: percentile(lags, 99),
    max: Math.max(...lags),
  };
}
