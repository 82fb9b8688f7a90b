/**
 * The moto launcher answers a Query on a table's own key from the partition's items that pass the sort key
 * condition (moto walked, sized and sorted the whole table), and lexes each condition expression's text once.
 * Every sort key condition, both directions, pages, counts and filters must answer as DynamoDB does, and a
 * condition expression text sent again with other names and values must be judged on those. Runs on the
 * shared moto.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../serviceEnv';
import { createStreamedTable } from './streamedTable';

/** Sort keys of partition `p0`, ISO-like times with a sequence suffix; `p1` and `p2` hold others. */
const SORT_KEYS = Array.from(
  { length: 30 },
  (_, i) => `2026-12-05T10:${String(Math.floor(i / 10)).padStart(2, '0')}:0${i % 10}Z#${i}`,
);

describe('moto launcher Query and condition expressions', () => {
  const table = `sb-query-${Date.now()}`;
  let dynamodb: DynamoDBClient;

  async function sortKeys(input: Omit<QueryCommandInput, 'TableName'>): Promise<string[]> {
    const keys: string[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < 40; page++) {
      const { Items, LastEvaluatedKey } = await dynamodb.send(
        new QueryCommand({ TableName: table, ...input, ExclusiveStartKey }),
      );
      keys.push(...(Items ?? []).map((item) => item.sk?.S as string));
      if (!LastEvaluatedKey) return keys;
      ExclusiveStartKey = LastEvaluatedKey;
    }
    throw new Error('a Query did not end within 40 pages');
  }

  const keyed = (condition: string, values: Record<string, string>) => ({
    KeyConditionExpression: `pk = :pk AND ${condition}`,
    ExpressionAttributeValues: Object.fromEntries(
      Object.entries({ ':pk': 'p0', ...values }).map(([name, value]) => [name, { S: value }]),
    ),
  });

  beforeAll(async () => {
    dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    await createStreamedTable(dynamodb, table, 'S');
    const items = [
      ...SORT_KEYS.map((sk, i) => ({ pk: { S: 'p0' }, sk: { S: sk }, n: { N: String(i) } })),
      ...SORT_KEYS.slice(0, 12).map((sk, i) => ({ pk: { S: 'p1' }, sk: { S: sk }, n: { N: String(i) } })),
      { pk: { S: 'p2' }, sk: { S: '2026-12-05T10:00:00Z#x' }, n: { N: '0' } },
    ];
    for (let i = 0; i < items.length; i += 25)
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
  });

  afterAll(() => {
    dynamodb?.destroy();
  });

  it('answers every sort key condition of one partition, in order, both ways', async () => {
    // Prepare
    const [a, b] = [SORT_KEYS[7] as string, SORT_KEYS[21] as string];
    const cases: [string, Record<string, string>, (sk: string) => boolean][] = [
      ['sk = :a', { ':a': a }, (sk) => sk === a],
      ['sk < :a', { ':a': a }, (sk) => sk < a],
      ['sk <= :a', { ':a': a }, (sk) => sk <= a],
      ['sk > :a', { ':a': a }, (sk) => sk > a],
      ['sk >= :a', { ':a': a }, (sk) => sk >= a],
      ['sk BETWEEN :a AND :b', { ':a': a, ':b': b }, (sk) => sk >= a && sk <= b],
      ['begins_with(sk, :a)', { ':a': '2026-12-05T10:01' }, (sk) => sk.startsWith('2026-12-05T10:01')],
      [
        'begins_with(sk, :a)',
        { ':a': '2026-12-05T10:02:05Z' },
        (sk) => sk.startsWith('2026-12-05T10:02:05Z'),
      ],
      ['begins_with(sk, :a)', { ':a': '2027' }, () => false],
    ];

    for (const [condition, values, keep] of cases) {
      // Act
      const forward = await sortKeys(keyed(condition, values));
      const backward = await sortKeys({ ...keyed(condition, values), ScanIndexForward: false });

      // Assert
      const expected = SORT_KEYS.filter(keep).sort();
      expect(forward, condition).toEqual(expected);
      expect(backward, condition).toEqual([...expected].reverse());
    }
  });

  it('pages, counts and filters a sort key range as one Query would', async () => {
    // Prepare
    const range = keyed('begins_with(sk, :a)', { ':a': '2026-12-05T10:0' });
    const expected = SORT_KEYS.filter((sk) => sk.startsWith('2026-12-05T10:0')).sort();

    // Act
    const paged = await sortKeys({ ...range, Limit: 4 });
    const pagedBack = await sortKeys({ ...range, Limit: 3, ScanIndexForward: false });
    const { Count } = await dynamodb.send(new QueryCommand({ TableName: table, ...range, Select: 'COUNT' }));
    const filtered = await sortKeys({
      ...range,
      FilterExpression: 'n >= :min',
      ExpressionAttributeValues: { ...range.ExpressionAttributeValues, ':min': { N: '20' } },
    });
    const other = await sortKeys({
      KeyConditionExpression: 'pk = :pk AND sk > :a',
      ExpressionAttributeValues: { ':pk': { S: 'p1' }, ':a': { S: SORT_KEYS[9] as string } },
    });

    // Assert
    expect(paged).toEqual(expected);
    expect(pagedBack).toEqual([...expected].reverse());
    expect(Count).toBe(expected.length);
    expect(filtered).toEqual(expected.filter((sk) => Number(sk.split('#')[1]) >= 20));
    expect(other).toEqual(SORT_KEYS.slice(10, 12));
  });

  it('judges one condition expression text on the names and values of each request', async () => {
    // Prepare
    const condition = 'attribute_not_exists(#a) OR #a < :v';
    const put = (n: string, name: string, value: string) =>
      dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'cond' }, sk: { S: 'one' }, n: { N: n }, m: { N: '1' } },
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#a': name },
          ExpressionAttributeValues: { ':v': { N: value } },
        }),
      );

    // Act
    const outcomes: string[] = [];
    for (const [n, name, value] of [
      ['5', 'n', '0'],
      ['6', 'n', '9'],
      ['7', 'n', '6'],
      ['8', 'm', '0'],
      ['9', 'missing', '0'],
      ['10', 'm', '2'],
    ] as const) {
      outcomes.push(
        await put(n, name, value).then(
          () => 'put',
          (error: unknown) => (error instanceof ConditionalCheckFailedException ? 'refused' : String(error)),
        ),
      );
    }

    // Assert
    // The first put creates the item (#a does not exist); then n is 5, 6, 6, 6, 9 before each.
    expect(outcomes).toEqual(['put', 'put', 'refused', 'refused', 'put', 'put']);
  });
});
