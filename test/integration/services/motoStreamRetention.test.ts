/**
 * Stream retention and iterator expiry on a private moto with short settings, as the DynamoDB Streams API
 * documents them: records older than the retention are trimmed, a reader behind the trim horizon gets
 * TrimmedDataAccessException (GetShardIterator with a trimmed sequence number, GetRecords with an iterator
 * that points before the horizon), and an iterator past its lifetime gets ExpiredIteratorException. The
 * local Kinesis streaming destination, a reader of the stream, goes on from the trim horizon.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KinesisStreamingDestination } from '../../../local/deploy';
import type { KinesisChangeRecord } from '../../../local/deploy/kinesisChangeRecord';
import { freePort, type ServicesOptions, startServices, stopServices } from '../../../local/services';
import { LOCAL_AWS } from '../../../local/services/constants';
import { readMotoStatus } from '../../../local/services/moto/readMotoStatus';
import { readKinesisStream } from '../helpers/readKinesisStream';
import { awsClientConfig } from '../serviceEnv';

const RETENTION_SECONDS = 3;
const ITERATOR_SECONDS = 6;
const WAIT = { timeout: 20_000, interval: 100 } as const;

describe('local DynamoDB Streams retention (private moto, short settings)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streambridge-retention-'));
  let options: ServicesOptions;
  let port: number;
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;
  let shardId: string;

  beforeAll(async () => {
    port = await freePort();
    options = {
      only: ['moto'],
      stateDir,
      ports: { moto: port },
      log: () => undefined,
      env: {
        ...process.env,
        STREAMBRIDGE_STREAM_RETENTION_SECONDS: String(RETENTION_SECONDS),
        STREAMBRIDGE_STREAM_ITERATOR_SECONDS: String(ITERATOR_SECONDS),
        STREAMBRIDGE_TTL_SWEEP_SECONDS: '0.25',
      },
    };
    await startServices(options);
    const client = {
      endpoint: `http://127.0.0.1:${port}`,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
      requestHandler: new NodeHttpHandler(),
    };
    dynamodb = new DynamoDBClient(client);
    streams = new DynamoDBStreamsClient(client);
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'retention',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    streamArn = created.TableDescription?.LatestStreamArn as string;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    shardId = StreamDescription?.Shards?.[0]?.ShardId as string;
  });

  afterAll(async () => {
    dynamodb?.destroy();
    streams?.destroy();
    await stopServices(options);
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function put(pk: string, table = 'retention'): Promise<void> {
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
  }

  async function waitUntilTrimmed(arn: string): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    await vi.waitFor(async () => {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: StreamDescription?.Shards?.[0]?.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      expect((await streams.send(new GetRecordsCommand({ ShardIterator }))).Records).toEqual([]);
    }, WAIT);
  }

  async function iterator(type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
      }),
    );
    return ShardIterator as string;
  }

  it('runs with the settings it was started with', async () => {
    // Act
    const status = await readMotoStatus(port);

    // Assess
    expect(status.settings).toEqual({
      ttlExpiry: true,
      sweepSeconds: 0.25,
      streamRetentionSeconds: RETENTION_SECONDS,
      iteratorSeconds: ITERATOR_SECONDS,
    });
  });

  it('trims records past the retention; a reader that fell behind gets TrimmedDataAccessException', async () => {
    // Prepare: three records, and a reader that stays at the start of the shard
    for (const pk of ['a', 'b', 'c']) await put(pk);
    const stale = await iterator('TRIM_HORIZON');
    const first = await streams.send(new GetRecordsCommand({ ShardIterator: stale }));
    const sequences = (first.Records ?? []).map((record) => record.dynamodb?.SequenceNumber as string);
    expect(sequences).toHaveLength(3);

    // Act: wait until the sweeper trimmed them, then write one more
    await vi.waitFor(async () => {
      const page = await streams.send(
        new GetRecordsCommand({ ShardIterator: await iterator('TRIM_HORIZON') }),
      );
      expect(page.Records).toEqual([]);
    }, WAIT);
    await put('d');

    // Assess: the old positions are gone, for iterators made before and after the trim
    const refused = streams.send(new GetRecordsCommand({ ShardIterator: stale }));
    await expect(refused).rejects.toBeInstanceOf(TrimmedDataAccessException);
    // The name the local runtime's DynamoDB Streams poller recognises.
    await expect(refused).rejects.toMatchObject({ name: 'TrimmedDataAccessException' });
    for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const) {
      await expect(iterator(type, sequences[0])).rejects.toBeInstanceOf(TrimmedDataAccessException);
    }
    // TRIM_HORIZON starts at the oldest record kept, numbered after the trimmed ones
    const kept = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator('TRIM_HORIZON') }));
    expect(kept.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['d']);
    expect(BigInt(kept.Records?.[0]?.dynamodb?.SequenceNumber as string)).toBe(BigInt(sequences[2]) + 1n);
    expect((await readMotoStatus(port)).counters.streamRecordsTrimmed).toBeGreaterThanOrEqual(3);
  });

  it('expires a shard iterator after its lifetime (ExpiredIteratorException); a new one reads on', async () => {
    // Prepare
    const latest = await iterator('LATEST');
    const issued = Date.now();

    // Act: use the same iterator until it is refused
    let refusal: unknown;
    await vi.waitFor(
      async () => {
        refusal = await streams.send(new GetRecordsCommand({ ShardIterator: latest })).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refusal).toBeDefined();
      },
      { timeout: (ITERATOR_SECONDS + 10) * 1000, interval: 250 },
    );

    // Assess
    expect(refusal).toBeInstanceOf(ExpiredIteratorException);
    expect(Date.now() - issued).toBeGreaterThanOrEqual(ITERATOR_SECONDS * 1000 - 250);
    const fresh = await iterator('LATEST');
    await put('e');
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: fresh }));
    expect(page.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['e']);
  });

  it('the Kinesis streaming destination restarted behind the trim horizon goes on from it, reporting the loss', async () => {
    // Prepare: a table forwarded once (p1), then p2 written and trimmed while the destination was stopped
    const kinesis = new KinesisClient(awsClientConfig('AWS_ENDPOINT_URL_KINESIS'));
    const kinesisStream = `sb-retention-${port}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: kinesisStream, ShardCount: 1 }));
    const table = await dynamodb.send(
      new CreateTableCommand({
        TableName: 'retention-kds',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const tableStreamArn = table.TableDescription?.LatestStreamArn as string;
    const errors: string[] = [];
    const destination = () =>
      new KinesisStreamingDestination({
        tableName: 'retention-kds',
        tableStreamArn,
        kinesisStreamName: kinesisStream,
        dynamodbStreams: streams,
        kinesis,
        region: LOCAL_AWS.region,
        checkpointFile: join(stateDir, 'kds-checkpoint.json'),
        onError: (error) => errors.push(String(error)),
      });
    try {
      await vi.waitFor(async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: kinesisStream }));
        expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      }, WAIT);
      await put('p1', 'retention-kds');
      expect(await destination().forwardAvailable()).toBe(1);
      await put('p2', 'retention-kds');
      await waitUntilTrimmed(tableStreamArn);
      await put('p3', 'retention-kds');

      // Act
      const forwarded = await destination().forwardAvailable();

      // Assess
      expect(forwarded).toBe(1);
      const onKinesis = await readKinesisStream<KinesisChangeRecord>(kinesis, kinesisStream);
      expect(onKinesis.map((record) => record.data.dynamodb.Keys.pk)).toEqual([{ S: 'p1' }, { S: 'p3' }]);
      expect(errors.join('\n')).toMatch(/trimmed from the stream before they were forwarded \(lost\)/);
    } finally {
      await kinesis.send(
        new DeleteStreamCommand({ StreamName: kinesisStream, EnforceConsumerDeletion: true }),
      );
      kinesis.destroy();
    }
  });
});
