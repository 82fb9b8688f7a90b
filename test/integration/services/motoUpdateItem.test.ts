/**
 * The moto launcher skips the two deep copies moto took of an item on each UpdateItem (one for the
 * response's old attributes, one for a stream record's old image, also on tables without a stream). What
 * the copies were for must still hold: the old and new values UpdateItem returns, and the old image a
 * streamed table records, for numbers, lists, string sets and nested maps. Runs on the shared moto.
 */
import {
  type AttributeValue,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type ReturnValue,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../serviceEnv';
import { createKeyedTable, createStreamedTable } from './streamedTable';

const KEY = { pk: { S: 'a' }, sk: { S: '1' } };

const ITEM: Record<string, AttributeValue> = {
  ...KEY,
  n: { N: '1' },
  l: { L: [{ S: 'x' }] },
  ss: { SS: ['p'] },
  m: { M: { k: { N: '1' }, keep: { S: 'y' } } },
};

const UPDATED: Record<string, AttributeValue> = {
  ...KEY,
  n: { N: '2' },
  l: { L: [{ S: 'x' }, { S: 'z' }] },
  ss: { SS: ['p', 'q'] },
  m: { M: { k: { N: '2' }, keep: { S: 'y' } } },
};

describe('moto launcher UpdateItem without the unused item copies', () => {
  const plain = `sb-update-plain-${Date.now()}`;
  const streamed = `sb-update-streamed-${Date.now()}`;
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;

  const update = (table: string, returnValues: ReturnValue) =>
    dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: KEY,
        UpdateExpression: 'SET n = :n, l = list_append(l, :l), m.k = :n ADD ss :ss',
        ExpressionAttributeValues: { ':n': { N: '2' }, ':l': { L: [{ S: 'z' }] }, ':ss': { SS: ['q'] } },
        ReturnValues: returnValues,
      }),
    );

  const sortedSets = (item: Record<string, AttributeValue> | undefined) =>
    item?.ss?.SS ? { ...item, ss: { SS: [...item.ss.SS].sort() } } : item;

  beforeAll(async () => {
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    streams = new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS'));
    await createKeyedTable(dynamodb, plain, 'S', false);
    streamArn = await createStreamedTable(dynamodb, streamed, 'S');
  });

  afterAll(async () => {
    for (const table of [plain, streamed])
      await dynamodb.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamodb.destroy();
    streams.destroy();
  });

  it.each([
    ['ALL_OLD', ITEM],
    ['ALL_NEW', UPDATED],
    ['UPDATED_OLD', { n: ITEM.n, l: ITEM.l, ss: ITEM.ss, m: ITEM.m }],
    // Of a map updated at a nested path, only that path (as DynamoDB answers).
    ['UPDATED_NEW', { n: UPDATED.n, l: UPDATED.l, ss: UPDATED.ss, m: { M: { k: { N: '2' } } } }],
  ] as const)(
    'returns %s as the item was and became, on a table without a stream',
    async (returnValues, expected) => {
      await dynamodb.send(new PutItemCommand({ TableName: plain, Item: ITEM }));
      const { Attributes } = await update(plain, returnValues);
      expect(sortedSets(Attributes)).toEqual(expected);
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: plain, Key: KEY, ConsistentRead: true }),
      );
      expect(sortedSets(Item)).toEqual(UPDATED);
    },
  );

  it("records the item's old and new image on a streamed table", async () => {
    await dynamodb.send(new PutItemCommand({ TableName: streamed, Item: ITEM }));
    const { Attributes } = await update(streamed, 'ALL_OLD');
    expect(Attributes).toEqual(ITEM);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = StreamDescription?.Shards?.[0]?.ShardId;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    const modify = Records.find((record) => record.eventName === 'MODIFY');
    expect(sortedSets(modify?.dynamodb?.OldImage as Record<string, AttributeValue>)).toEqual(ITEM);
    expect(sortedSets(modify?.dynamodb?.NewImage as Record<string, AttributeValue>)).toEqual(UPDATED);
  });
});
