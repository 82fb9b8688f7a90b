/**
 * TTL expiry on the local moto, as AWS documents it: items whose TTL attribute (a top-level Number, epoch
 * seconds) is in the past, but not more than five years, are deleted by the service, and the stream records
 * each delete as a REMOVE with the service's `userIdentity`.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, vi } from 'vitest';
import { readMotoStatus } from '../../../local/services/moto/readMotoStatus';
import { itOnTargets } from '../../targets/itOnTargets';
import { awsClientConfig, requireEnv } from '../serviceEnv';

const SERVICE_IDENTITY = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };
/** The default sweep runs every 5 s; a bounded wait well above it. */
const EXPIRY_WAIT = { timeout: 30_000, interval: 250 } as const;
/** DynamoDB is moto's on both local targets; real DynamoDB's TTL is not this fast nor observable. */
const LAUNCHER_TTL = {
  targets: ['moto', 'localstack'],
  reason:
    "real DynamoDB deletes expired items within days, not seconds, and has no sweep counters: the fast sweep is the moto launcher's",
} as const;

describe('local DynamoDB TTL expiry (moto launcher)', () => {
  const dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
  const streams = new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS'));
  const motoPort = () => Number(new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).port);
  const tables: string[] = [];

  afterAll(async () => {
    for (const name of tables) await dynamodb.send(new DeleteTableCommand({ TableName: name }));
    dynamodb.destroy();
    streams.destroy();
  });

  async function createTable(ttl: boolean): Promise<{ name: string; streamArn: string }> {
    const name = `ttl-${randomUUID().slice(0, 8)}`;
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'deviceId', AttributeType: 'S' },
          { AttributeName: 'ts', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'deviceId', KeyType: 'HASH' },
          { AttributeName: 'ts', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    tables.push(name);
    if (ttl) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
        }),
      );
    }
    return { name, streamArn: created.TableDescription?.LatestStreamArn as string };
  }

  async function put(table: string, ts: number, extra: Record<string, AttributeValue>): Promise<void> {
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { deviceId: { S: 'd1' }, ts: { N: String(ts) }, ...extra },
      }),
    );
  }

  async function remainingTs(table: string): Promise<number[]> {
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: table }));
    return (Items ?? []).map((item) => Number(item.ts?.N)).sort((a, b) => a - b);
  }

  async function streamRecords(streamArn: string): Promise<_Record[]> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: StreamDescription?.Shards?.[0]?.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
    return page.Records ?? [];
  }

  itOnTargets(
    LAUNCHER_TTL.targets,
    LAUNCHER_TTL.reason,
    'deletes expired items and records each delete as a REMOVE by the DynamoDB service',
    async () => {
      // Prepare
      const { name, streamArn } = await createTable(true);
      const now = Math.floor(Date.now() / 1000);
      await put(name, 1, { expiresAt: { N: String(now - 60) } });
      await put(name, 2, { expiresAt: { N: String(now + 2) } });
      await put(name, 3, { expiresAt: { N: String(now + 3_600) } });
      await put(name, 4, { expiresAt: { S: String(now - 60) } });
      await put(name, 5, { expiresAt: { N: String(now - 6 * 365 * 86_400) } });
      await put(name, 6, { expiresAt: { M: { at: { N: String(now - 60) } } } });
      await put(name, 7, { note: { S: 'no TTL attribute' } });
      await put(name, 8, {});
      await dynamodb.send(
        new DeleteItemCommand({ TableName: name, Key: { deviceId: { S: 'd1' }, ts: { N: '8' } } }),
      );

      // Act: the launcher's sweeper runs in the background
      await vi.waitFor(async () => expect(await remainingTs(name)).toEqual([3, 4, 5, 6, 7]), EXPIRY_WAIT);

      // Assess: one REMOVE per expired item, with its old image and the service identity
      const records = await streamRecords(streamArn);
      const removes = records.filter((record) => record.eventName === 'REMOVE');
      expect(removes.map((record) => record.dynamodb?.Keys?.ts?.N).sort()).toEqual(['1', '2', '8']);
      for (const record of removes.filter((r) => r.dynamodb?.Keys?.ts?.N !== '8')) {
        expect(record.userIdentity).toEqual(SERVICE_IDENTITY);
        expect(record.dynamodb?.OldImage?.expiresAt?.N).toBeDefined();
        expect(record.dynamodb?.NewImage).toBeUndefined();
      }
      // A delete by a client carries no identity; neither do the writes.
      const byClient = removes.find((record) => record.dynamodb?.Keys?.ts?.N === '8');
      expect(byClient?.userIdentity).toBeUndefined();
      expect(records.filter((record) => record.userIdentity !== undefined)).toHaveLength(2);
      expect((await readMotoStatus(motoPort())).counters.ttlDeleted).toBeGreaterThanOrEqual(2);
    },
  );

  itOnTargets(
    LAUNCHER_TTL.targets,
    LAUNCHER_TTL.reason,
    'leaves expired items alone on a table without TTL',
    async () => {
      // Prepare
      const { name } = await createTable(false);
      await put(name, 1, { expiresAt: { N: String(Math.floor(Date.now() / 1000) - 60) } });
      const passes = (await readMotoStatus(motoPort())).counters.passes;

      // Act: two full sweeper passes after the write
      await vi.waitFor(
        async () =>
          expect((await readMotoStatus(motoPort())).counters.passes).toBeGreaterThanOrEqual(passes + 2),
        EXPIRY_WAIT,
      );

      // Assess
      expect(await remainingTs(name)).toEqual([1]);
    },
  );
});
