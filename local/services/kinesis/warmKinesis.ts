/**
 * Warms a freshly started kinesis-mock before anything is measured on it. kinesis-mock is a Scala.js
 * program on one Node thread: its code paths are compiled by V8 as they run, and a new server serves its
 * first hundred PutRecords at about a third of its later rate (measured: 96 puts/s for the first 100 at 8
 * in flight, 250–300 once warm). Unwarmed, the local DynamoDB → Kinesis copy of a demo's first 20 seconds
 * fell up to 3.8 s behind and every telemetry reading of that time came late; after this warm-up the
 * first seconds' copy lag stayed near 1 s. The warm-up puts records to a scratch stream as the copy does
 * (PutRecord, eight in flight), reads them back with GetRecords as the pollers do, and deletes the stream.
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { mapConcurrently } from '../../../lambdas/kafka-to-dynamodb/mapConcurrently';
import { PUT_CONCURRENCY } from '../../deploy/KinesisStreamingDestination';
import { pollUntil } from '../pollUntil';

export interface KinesisWarmUp {
  readonly puts: number;
  readonly reads: number;
  readonly ms: number;
}

export interface WarmKinesisOptions {
  /** PutRecord calls in all. Default 800. */
  readonly puts?: number;
  /** Puts in flight at once. Default as many as the local streaming destination sends (PUT_CONCURRENCY). */
  readonly concurrency?: number;
  /** How long the scratch stream may take to become ACTIVE. Default 10 s. */
  readonly activeTimeoutMs?: number;
}

/** A change in DynamoDB's Kinesis format, the size of a telemetry reading's. */
const RECORD = Buffer.from(
  JSON.stringify({
    awsRegion: 'us-east-1',
    eventName: 'INSERT',
    dynamodb: {
      ApproximateCreationDateTime: 0,
      Keys: { deviceId: { S: 'warm-up' }, ts: { N: '0' } },
      NewImage: {
        deviceId: { S: 'warm-up' },
        ts: { N: '0' },
        temperature: { N: '21.5' },
        note: { S: 'x'.repeat(160) },
      },
      SizeBytes: 220,
    },
    eventSource: 'aws:dynamodb',
    tableName: 'streambridge-warm-up',
  }),
);

/** Reads per pass over the scratch stream at most (GetRecords returns up to 10 000 records each). */
const MAX_READS = 50;

/**
 * Puts `puts` records to a scratch stream of one shard, reads them back after every 100, then deletes it.
 *
 * @example
 * ```ts
 * const { puts, ms } = await warmKinesis(client);
 * ```
 */
export async function warmKinesis(
  client: KinesisClient,
  options: WarmKinesisOptions = {},
): Promise<KinesisWarmUp> {
  const started = Date.now();
  const total = options.puts ?? 800;
  const concurrency = options.concurrency ?? PUT_CONCURRENCY;
  const StreamName = `streambridge-warm-up-${process.pid}-${started}`;
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  try {
    const active = await pollUntil(
      async () => {
        const { StreamDescriptionSummary } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName }),
        );
        if (StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') throw new Error('not active yet');
      },
      { timeoutMs: options.activeTimeoutMs ?? 10_000, intervalMs: 50 },
    );
    if (!active.ok) throw new Error(`kinesis warm-up: ${StreamName} did not become ACTIVE: ${active.reason}`);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    let put = 0;
    let reads = 0;
    while (put < total) {
      const round = Math.min(100, total - put);
      const first = put;
      await mapConcurrently(Array.from({ length: round }), concurrency, (_, index) =>
        client.send(
          new PutRecordCommand({ StreamName, PartitionKey: `warm-${first + index}`, Data: RECORD }),
        ),
      );
      put += round;
      for (let read = 0; read < MAX_READS && iterator; read++) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        reads++;
        iterator = page.NextShardIterator;
        if ((page.Records?.length ?? 0) === 0 || page.MillisBehindLatest === 0) break;
      }
    }
    return { puts: put, reads, ms: Date.now() - started };
  } finally {
    await client
      .send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }))
      .catch(() => undefined);
  }
}
