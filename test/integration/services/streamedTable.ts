/**
 * The moto launcher tests' tables: pay-per-request, keyed `pk` (S) + `sk`, with a NEW_AND_OLD_IMAGES stream
 * or without, or with a global secondary index.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A table keyed `pk` (S) + `sk` of `sortKeyType`, with a NEW_AND_OLD_IMAGES stream unless `stream` is false. */
export async function createKeyedTable(
  dynamodb: DynamoDBClient,
  table: string,
  sortKeyType: 'S' | 'N',
  stream = true,
): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: sortKeyType },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );
}

/** A table keyed `pk` (S) + `sk` with a NEW_AND_OLD_IMAGES stream; returns the stream's ARN. */
export async function createStreamedTable(
  dynamodb: DynamoDBClient,
  table: string,
  sortKeyType: 'S' | 'N',
): Promise<string> {
  await createKeyedTable(dynamodb, table, sortKeyType);
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
  return Table?.LatestStreamArn as string;
}

/**
 * A pay-per-request table keyed `pk` (S) + `sk` (S) with a global secondary index `byG` keyed `g` (S) and
 * `indexSortKey` (`sk`, or `gs` as a number), projecting `projection`.
 */
export async function createIndexedTable(
  dynamodb: DynamoDBClient,
  table: string,
  indexSortKey: 'sk' | 'gs',
  projection: 'ALL' | 'KEYS_ONLY',
): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
        ...(indexSortKey === 'gs' ? [{ AttributeName: 'gs', AttributeType: 'N' as const }] : []),
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [
            { AttributeName: 'g', KeyType: 'HASH' },
            { AttributeName: indexSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: projection },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
