/**
 * The moto launcher answers the hot DynamoDB and DynamoDB Streams operations with their results encoded
 * directly instead of through moto's shape-driven serializer, after shadow checks that compared both. Every
 * attribute type and a stream record's timestamp must reach the SDK as moto's serializer gives them, and no
 * operation may have fallen back (a difference in a shadow check). Runs on the shared moto.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMotoStatus } from '../../../local/services/moto/readMotoStatus';
import { awsClientConfig, requireEnv } from '../serviceEnv';
import { createStreamedTable } from './streamedTable';

/** More than the launcher's shadow checks per operation, so the plain encoding answers too. */
const ROUNDS = 25;

const item = (i: number): Record<string, AttributeValue> => ({
  pk: { S: `p${i % 4}` },
  sk: { S: `s${String(i).padStart(3, '0')}` },
  n: { N: String(i) },
  b: { B: new Uint8Array([0, 1, 2, 255, i]) },
  flag: { BOOL: i % 2 === 0 },
  nothing: { NULL: true },
  list: { L: [{ S: 'a' }, { N: '1.5' }, { NULL: true }] },
  map: {
    M: { nested: { SS: ['x', 'y'] }, numbers: { NS: ['1', '2'] }, blobs: { BS: [new Uint8Array([7])] } },
  },
});

describe('moto launcher plain JSON encoding', () => {
  const table = `sb-fast-json-${Date.now()}`;
  const motoPort = Number(new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).port);
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;

  beforeAll(async () => {
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    streams = new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS'));
    streamArn = await createStreamedTable(dynamodb, table, 'S');
    for (let i = 0; i < 40; i += 20)
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: Array.from({ length: 20 }, (_, k) => ({ PutRequest: { Item: item(i + k) } })),
          },
        }),
      );
  });

  afterAll(() => {
    dynamodb?.destroy();
    streams?.destroy();
  });

  it('gives every attribute type and stream timestamp as moto does, with no operation fallen back', async () => {
    // Prepare
    const before = await readMotoStatus(motoPort);
    const keys = Array.from({ length: 40 }, (_, i) => ({ pk: item(i).pk, sk: item(i).sk }));
    const StreamArn = streamArn;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    const ShardId = StreamDescription?.Shards?.[0]?.ShardId as string;

    // Act
    for (let round = 0; round < ROUNDS; round++) {
      const got = await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: keys[round] as Record<string, AttributeValue> }),
      );
      const batch = await dynamodb.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      const query = await dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'p1' } },
          ConsistentRead: true,
        }),
      );
      const updated = await dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: keys[0] as Record<string, AttributeValue>,
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const records = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 5 }));

      // Assess
      const expected = item(round);
      expect(got.Item?.b?.B).toEqual(expected.b?.B);
      expect(got.Item?.map).toEqual(expected.map);
      expect(got.Item?.list).toEqual(expected.list);
      expect(got.Item?.nothing).toEqual({ NULL: true });
      expect(got.Item?.flag).toEqual(expected.flag);
      expect(batch.Responses?.[table]).toHaveLength(40);
      expect(query.Items?.map((i) => i.sk?.S)).toEqual(
        Array.from({ length: 10 }, (_, k) => `s${String(4 * k + 1).padStart(3, '0')}`),
      );
      expect(updated.Attributes?.n?.N).toBe(String(round + 1));
      expect(updated.Attributes?.b?.B).toEqual(item(0).b?.B);
      const first = records.Records?.[0];
      expect(first?.dynamodb?.ApproximateCreationDateTime).toBeInstanceOf(Date);
      expect(
        Math.abs((first?.dynamodb?.ApproximateCreationDateTime?.getTime() ?? 0) - Date.now()),
      ).toBeLessThan(600_000);
      expect(first?.dynamodb?.NewImage?.b?.B).toEqual(item(0).b?.B);
    }
    const after = await readMotoStatus(motoPort);
    expect(after.fastJsonOff).toEqual([]);
    expect((after.counters.fastJson ?? 0) - (before.counters.fastJson ?? 0)).toBeGreaterThan(0);
  });
});
