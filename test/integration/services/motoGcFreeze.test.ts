/**
 * The moto launcher keeps moto's long-lived objects (items, stream records) out of the reach of Python's
 * full cycle collections, which hold every request thread while they walk the heap: after each sweep pass
 * the objects alive are frozen (gc.freeze), so a full pass walks only what was made since.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, vi } from 'vitest';
import { readMotoStatus } from '../../../local/services/moto/readMotoStatus';
import { itOnTargets } from '../../targets/itOnTargets';
import { awsClientConfig, requireEnv } from '../serviceEnv';

/** Two sweep passes (every 5 s by default), bounded. */
const SWEEP_WAIT = { timeout: 30_000, interval: 250 } as const;
const ITEMS = 500;
/**
 * Young collections while 1 000 items are written: none at 50 000, plus one per sweeper pass (its gc.collect(1))
 * that falls in; Python's default threshold of 700 ran 10.
 */
const YOUNG_LIMIT = 3;

describe('moto launcher cycle collector', () => {
  const dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
  const motoPort = () => Number(new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).port);
  const tables: string[] = [];

  /** A table keyed `id` (S), deleted after the suite. */
  async function createTable(prefix: string): Promise<string> {
    const name = `${prefix}-${randomUUID().slice(0, 8)}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    tables.push(name);
    return name;
  }

  afterAll(async () => {
    for (const name of tables) await dynamodb.send(new DeleteTableCommand({ TableName: name }));
    dynamodb.destroy();
  });

  itOnTargets(
    ['moto', 'localstack'],
    'the sweeper and its status endpoint are the moto launcher’s; real DynamoDB has neither',
    'freezes the items a sweep pass finds alive, so full collections no longer walk them',
    async () => {
      // Prepare: the status before, and a table of ITEMS items written after it.
      const before = await readMotoStatus(motoPort());
      expect(before.gc).toBeDefined();
      const name = await createTable('gc');
      for (let first = 0; first < ITEMS; first += 25) {
        await dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [name]: Array.from({ length: 25 }, (_, index) => ({
                PutRequest: { Item: { id: { S: `i${first + index}` }, n: { N: String(index) } } },
              })),
            },
          }),
        );
      }
      const written = await readMotoStatus(motoPort());

      // Act: the sweeper runs in the background.
      const after = await vi.waitFor(async () => {
        const status = await readMotoStatus(motoPort());
        expect(status.counters.passes).toBeGreaterThan(written.counters.passes);
        return status;
      }, SWEEP_WAIT);

      // Assess: the pass froze the new items' objects (each item is several Python objects), and the
      // collector's pauses are accounted.
      const gc = after.gc as NonNullable<typeof after.gc>;
      expect(gc.frozenObjects - (before.gc?.frozenObjects ?? 0)).toBeGreaterThanOrEqual(ITEMS);
      expect(gc.fullPauseMsMax).toBeLessThanOrEqual(gc.fullPauseMsTotal);
      expect(gc.youngPauseMsTotal).toBeGreaterThan(0);
    },
  );

  itOnTargets(
    ['moto', 'localstack'],
    'the collector settings and their status are the moto launcher’s; real DynamoDB has neither',
    'runs a young collection every 50 000 allocations, not every 700: a few per thousand items written',
    async () => {
      // Prepare
      const name = await createTable('gc-young');
      const before = await readMotoStatus(motoPort());

      // Act: 1 000 items in 40 requests.
      for (let first = 0; first < 2 * ITEMS; first += 25)
        await dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [name]: Array.from({ length: 25 }, (_, index) => ({
                PutRequest: { Item: { id: { S: `y${first + index}` }, s: { S: 'x'.repeat(index) } } },
              })),
            },
          }),
        );
      const after = await readMotoStatus(motoPort());

      // Assess
      expect(after.gc?.thresholds?.[0]).toBe(50_000);
      const young = (after.gc?.youngCollections ?? 0) - (before.gc?.youngCollections ?? 0);
      expect(young).toBeLessThanOrEqual(YOUNG_LIMIT);
    },
  );
});
