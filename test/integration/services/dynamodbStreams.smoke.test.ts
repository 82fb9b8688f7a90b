import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { awsClientConfig } from '../serviceEnv';

describe('local DynamoDB and DynamoDB Streams (moto)', () => {
  const dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
  const streams = new DynamoDBStreamsClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB_STREAMS'));
  const tableName = `smoke-${randomUUID()}`;

  afterAll(async () => {
    await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    dynamodb.destroy();
    streams.destroy();
  });

  it('records a PutItem as an INSERT on the table stream', async () => {
    // Prepare
    const created = await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = created.TableDescription?.LatestStreamArn;
    expect(streamArn).toBeDefined();

    // Act
    await dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'order-1' }, total: { N: '42' } } }),
    );

    // Assess
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = description.StreamDescription?.Shards?.[0]?.ShardId;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const records: _Record[] = [];
    let iterator = ShardIterator;
    await vi.waitFor(
      async () => {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(page.Records ?? []));
        iterator = page.NextShardIterator;
        expect(records).toHaveLength(1);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(records[0].eventName).toBe('INSERT');
    expect(records[0].dynamodb?.Keys).toEqual({ pk: { S: 'order-1' } });
    expect(records[0].dynamodb?.NewImage).toEqual({ pk: { S: 'order-1' }, total: { N: '42' } });
  });
});
