/**
 * The moto launcher answers a Query of a global secondary index from the items whose index keys match (moto
 * sorted the whole table with Python comparisons first: 0.4 s of CPU per Query at 20 000 items). Every sort
 * key condition, both directions, pages and counts must answer as DynamoDB does, and items without the
 * index's attributes are not in the index. Runs on the shared moto.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../serviceEnv';
import { createIndexedTable } from './streamedTable';

interface Row {
  readonly pk: string;
  readonly sk: string;
  /** Index partition; absent: not in the index. */
  readonly g?: string;
  readonly gs?: number;
}

/** 48 items over four table partitions: index partition x or y by turns, every fifth without index keys. */
const ROWS: readonly Row[] = Array.from({ length: 48 }, (_, i) =>
  i % 5 === 4
    ? { pk: `p${i % 4}`, sk: `s${i}` }
    : { pk: `p${i % 4}`, sk: `s${i}`, g: i % 2 === 0 ? 'x' : 'y', gs: (i * 37) % 101 },
);

describe('moto launcher Query of a global secondary index', () => {
  const table = `sb-index-query-${Date.now()}`;
  let dynamodb: DynamoDBClient;

  async function indexSortKeys(input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>): Promise<number[]> {
    const keys: number[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < 60; page++) {
      const { Items, LastEvaluatedKey } = await dynamodb.send(
        new QueryCommand({ TableName: table, IndexName: 'byG', ...input, ExclusiveStartKey }),
      );
      keys.push(...(Items ?? []).map((item) => Number(item.gs?.N)));
      if (!LastEvaluatedKey) return keys;
      ExclusiveStartKey = LastEvaluatedKey;
    }
    throw new Error('an index Query did not end within 60 pages');
  }

  const keyed = (g: string, condition: string, values: Record<string, number>) => ({
    KeyConditionExpression: `g = :g${condition ? ` AND ${condition}` : ''}`,
    ExpressionAttributeValues: {
      ':g': { S: g },
      ...Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { N: String(value) }])),
    },
  });

  beforeAll(async () => {
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    await createIndexedTable(dynamodb, table, 'gs', 'ALL');
    for (let i = 0; i < ROWS.length; i += 25)
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: ROWS.slice(i, i + 25).map((row) => ({
              PutRequest: {
                Item: {
                  pk: { S: row.pk },
                  sk: { S: row.sk },
                  ...(row.g !== undefined ? { g: { S: row.g }, gs: { N: String(row.gs) } } : {}),
                },
              },
            })),
          },
        }),
      );
  });

  afterAll(async () => {
    await dynamodb?.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamodb?.destroy();
  });

  const indexed = (g: string, keep: (gs: number) => boolean) =>
    ROWS.filter((row) => row.g === g && keep(row.gs as number))
      .map((row) => row.gs as number)
      .sort((a, b) => a - b);

  it('answers every sort key condition of one index partition, in order, both ways', async () => {
    // Prepare
    const [a, b] = [20, 70];
    const cases: [string, Record<string, number>, (gs: number) => boolean][] = [
      ['', {}, () => true],
      ['gs = :a', { ':a': (6 * 37) % 101 }, (gs) => gs === (6 * 37) % 101],
      ['gs < :a', { ':a': a }, (gs) => gs < a],
      ['gs <= :a', { ':a': a }, (gs) => gs <= a],
      ['gs > :a', { ':a': a }, (gs) => gs > a],
      ['gs >= :a', { ':a': a }, (gs) => gs >= a],
      ['gs BETWEEN :a AND :b', { ':a': a, ':b': b }, (gs) => gs >= a && gs <= b],
      ['gs > :a', { ':a': 1000 }, () => false],
    ];

    for (const g of ['x', 'y']) {
      for (const [condition, values, keep] of cases) {
        // Act
        const forward = await indexSortKeys(keyed(g, condition, values));
        const backward = await indexSortKeys({ ...keyed(g, condition, values), ScanIndexForward: false });

        // Assert
        const expected = indexed(g, keep);
        expect(forward, `${g}: ${condition}`).toEqual(expected);
        expect(backward, `${g}: ${condition}`).toEqual([...expected].reverse());
      }
    }
  });

  it('pages and counts an index range as one Query would; a missing index key finds nothing, a missing index is refused', async () => {
    // Prepare
    const range = keyed('x', 'gs > :a', { ':a': 10 });
    const expected = indexed('x', (gs) => gs > 10);

    // Act
    const paged = await indexSortKeys({ ...range, Limit: 4 });
    const pagedBack = await indexSortKeys({ ...range, Limit: 3, ScanIndexForward: false });
    const { Count } = await dynamodb.send(
      new QueryCommand({ TableName: table, IndexName: 'byG', ...range, Select: 'COUNT' }),
    );
    const none = await indexSortKeys(keyed('z', '', {}));
    const missingIndex = await dynamodb
      .send(new QueryCommand({ TableName: table, IndexName: 'nope', ...keyed('x', '', {}) }))
      .then(
        () => 'answered',
        (error: Error) => `${error.name}: ${error.message}`,
      );

    // Assert
    expect(expected.length).toBeGreaterThan(5);
    expect(paged).toEqual(expected);
    expect(pagedBack).toEqual([...expected].reverse());
    expect(Count).toBe(expected.length);
    expect(none).toEqual([]);
    // moto's own refusal (AWS answers ValidationException), not a server error of the launcher's index filter.
    expect(missingIndex).toMatch(/^(ValidationException|ResourceNotFoundException): .*nope/);
  });
});
