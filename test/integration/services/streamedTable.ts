/**
 * The moto launcher tests' tables: pay-per-request, keyed `pk` (S) + `sk`, with a NEW_AND_OLD_IMAGES stream
 * or without, or with a global secondary index.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The input of a pay-per-request table keyed `pk` (S) + `sk` of `sortKeyType`. */
function keyedTableInput(table: string, sortKeyType: 'S' | 'N') {
  return {
    TableName: table,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' as const },
      { AttributeName: 'sk', AttributeType: sortKeyType },
    ],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}

/** A table keyed `pk` (S) + `sk` of `sortKeyType`, with a NEW_AND_OLD_IMAGES stream unless `stream` is false. */
export async function createKeyedTable(
  dynamodb: DynamoDBClient,
  table: string,
  sortKeyType: 'S' | 'N',
  stream = true,
): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      ...keyedTableInput(table, sortKeyType),
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
  const keyed = keyedTableInput(table, 'S');
  await dynamodb.send(
    new CreateTableCommand({
      ...keyed,
      AttributeDefinitions: [
        ...keyed.AttributeDefinitions,
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
    }),
  );
}
