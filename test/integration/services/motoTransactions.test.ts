/**
 * The moto launcher rolls a cancelled TransactWriteItems back from a copy of the items it names (moto's own
 * rollback deep-copied whole tables): a cancelled transaction leaves items and stream as they were, a
 * committed one applies every write and records each in the stream. Runs on the shared moto.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../serviceEnv';
import { createStreamedTable } from './streamedTable';

describe('moto launcher TransactWriteItems rollback', () => {
  const table = `sb-transactions-${Date.now()}`;
  let dynamodb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let streamArn: string;

  async function streamRecordCount(): Promise<number> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = StreamDescription?.Shards?.[0]?.ShardId as string;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    return Records?.length ?? 0;
  }

  async function version(pk: string): Promise<string | undefined> {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { N: '1' } }, ConsistentRead: true }),
    );
    return Item?.v?.N;
  }

  beforeAll(async () => {
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    streams = new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS'));
    streamArn = await createStreamedTable(dynamodb, table, 'N');
  });

  afterAll(() => {
    dynamodb.destroy();
    streams.destroy();
  });

  it('leaves items and stream as they were when a transaction is cancelled, applies all when it commits', async () => {
    // Prepare
    for (const pk of ['kept', 'guard'])
      await dynamodb.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: '1' }, v: { N: '1' } } }),
      );
    const writes: TransactWriteItem[] = [
      { Put: { TableName: table, Item: { pk: { S: 'new' }, sk: { N: '1' }, v: { N: '1' } } } },
      {
        Update: {
          TableName: table,
          Key: { pk: { S: 'kept' }, sk: { N: '1' } },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': { N: '2' } },
        },
      },
    ];
    const failingCheck: TransactWriteItem = {
      ConditionCheck: {
        TableName: table,
        Key: { pk: { S: 'guard' }, sk: { N: '1' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };

    // Act
    const cancelled = await dynamodb
      .send(new TransactWriteItemsCommand({ TransactItems: [...writes, failingCheck] }))
      .catch((error: unknown) => error);
    const afterCancel = {
      kept: await version('kept'),
      added: await version('new'),
      records: await streamRecordCount(),
    };
    await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: writes }));

    // Assess
    expect(cancelled).toBeInstanceOf(TransactionCanceledException);
    expect(afterCancel).toEqual({ kept: '1', added: undefined, records: 2 });
    expect({ kept: await version('kept'), added: await version('new') }).toEqual({ kept: '2', added: '1' });
    expect(await streamRecordCount()).toBe(4);
  });
});
