/**
 * Reads run beside writes on the moto launcher (only writes are serialized). moto walked a table's live dicts
 * with Python code between items, so a write that added an item meanwhile failed the read with "dictionary
 * changed size during iteration", a 500: a third of the Queries below failed that way before the launcher
 * copied each partition before walking it. Every read here must succeed and see at least the items written
 * before the writers began. Runs on the shared moto, without SDK retries (a retry would hide the 500).
 */
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../serviceEnv';
import { createIndexedTable } from './streamedTable';

/** Items of partition `p` before the writers start: enough that one read walks them across thread switches. */
const PREFILLED = 3_000;
/** Reads each reader sends, and the time all of them may take. */
const READS_PER_READER = 12;
const DEADLINE_MS = 60_000;

describe('moto launcher reads during writes', () => {
  const table = `sb-reads-writes-${Date.now()}`;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    dynamodb = new DynamoDBClient({ ...awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'), maxAttempts: 1 });
    await createIndexedTable(dynamodb, table, 'sk', 'KEYS_ONLY');
    for (let i = 0; i < PREFILLED; i += 25)
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: Array.from({ length: 25 }, (_, j) => ({
              PutRequest: {
                Item: { pk: { S: 'p' }, sk: { S: `a${String(i + j).padStart(6, '0')}` }, g: { S: 'g' } },
              },
            })),
          },
        }),
      );
  }, 120_000);

  afterAll(async () => {
    await dynamodb?.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    dynamodb?.destroy();
  });

  it('answers Queries (sort key range, prefix, index) and Scans while items are added to the partition', async () => {
    // Prepare
    const deadline = Date.now() + DEADLINE_MS;
    let readersLeft = 4;
    let written = 0;
    const failures: string[] = [];
    const counts: number[] = [];
    const writer = async (id: number) => {
      for (let n = 0; readersLeft > 0 && Date.now() < deadline; n++) {
        await dynamodb.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: 'p' }, sk: { S: `b${id}-${n}` }, g: { S: 'g' } },
          }),
        );
        written += 1;
      }
    };
    const reader = async (read: () => Promise<number | undefined>) => {
      try {
        for (let i = 0; i < READS_PER_READER && Date.now() < deadline; i++) {
          try {
            counts.push((await read()) ?? -1);
          } catch (error) {
            failures.push(`${(error as Error).name}: ${(error as Error).message}`.slice(0, 200));
          }
        }
      } finally {
        readersLeft -= 1;
      }
    };
    const query = (condition: string, index?: string) => async () =>
      (
        await dynamodb.send(
          new QueryCommand({
            TableName: table,
            ...(index ? { IndexName: index } : {}),
            KeyConditionExpression: `${index ? 'g' : 'pk'} = :p AND ${condition}`,
            ExpressionAttributeValues: { ':p': { S: index ? 'g' : 'p' }, ':a': { S: 'a' } },
            Select: 'COUNT',
          }),
        )
      ).Count;
    const scan = async () =>
      (await dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;

    // Act
    await Promise.all([
      writer(0),
      writer(1),
      writer(2),
      reader(query('sk > :a')),
      reader(query('begins_with(sk, :a)')),
      reader(query('sk > :a', 'byG')),
      reader(scan),
    ]);

    // Assess
    expect(failures).toEqual([]);
    expect(written).toBeGreaterThan(0);
    expect(counts).toHaveLength(4 * READS_PER_READER);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(PREFILLED);
  }, 120_000);
});
