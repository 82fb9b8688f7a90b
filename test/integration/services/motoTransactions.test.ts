/**
 * The moto launcher rolls a cancelled TransactWriteItems back from a copy of the items it names (moto's own
 * rollback deep-copied whole tables): a cancelled transaction leaves items and stream as they were, a
 * committed one applies every write and records each in the stream; no read, however it is timed, sees the
 * writes of a transaction that was cancelled. Runs on the shared moto.
 */
import {
  BatchGetItemCommand,
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

/** Cancelled transactions sent while the readers read, and the reads each reader sends. */
const CANCELLED_TRANSACTIONS = 150;
const READS_PER_READER = 400;
const READERS = 3;

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

  it('lets no read see the writes of a transaction that is then cancelled', async () => {
    // Prepare: each transaction puts the item under watch (and padding, so it runs for a while) before the
    // condition that cancels it; moto applies the puts one by one and undoes them after the failed condition.
    await dynamodb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'watched' }, sk: { N: '1' }, v: { N: '1' } } }),
    );
    const padding = 'x'.repeat(2_000);
    const cancelled: TransactWriteItem[] = [
      { Put: { TableName: table, Item: { pk: { S: 'watched' }, sk: { N: '1' }, v: { N: '99' } } } },
      ...Array.from(
        { length: 60 },
        (_, i): TransactWriteItem => ({
          Put: { TableName: table, Item: { pk: { S: `pad-${i}` }, sk: { N: '1' }, pad: { S: padding } } },
        }),
      ),
      {
        ConditionCheck: {
          TableName: table,
          Key: { pk: { S: 'watched' }, sk: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    const key = { pk: { S: 'watched' }, sk: { N: '1' } };
    let writing = true;
    const seen: string[] = [];

    // Act: one writer, and readers reading the item (GetItem and BatchGetItem, strongly consistent) meanwhile
    const writer = (async () => {
      for (let i = 0; i < CANCELLED_TRANSACTIONS; i++) {
        await dynamodb
          .send(new TransactWriteItemsCommand({ TransactItems: cancelled }))
          .catch(() => undefined);
      }
      writing = false;
    })();
    const readers = Array.from({ length: READERS }, async (_, r) => {
      for (let i = 0; i < READS_PER_READER && writing; i++) {
        if ((i + r) % 2 === 0) {
          const { Item } = await dynamodb.send(
            new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
          );
          seen.push(Item?.v?.N ?? 'none');
        } else {
          const { Responses } = await dynamodb.send(
            new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [key], ConsistentRead: true } } }),
          );
          seen.push(Responses?.[table]?.[0]?.v?.N ?? 'none');
        }
      }
    });
    await Promise.all([writer, ...readers]);

    // Assess: the reads ran while transactions did, and every one saw the item as it was
    expect(seen.length).toBeGreaterThan(READERS * 20);
    expect(seen.filter((v) => v !== '1')).toEqual([]);
  });
});
