/**
 * Kafka → DynamoDB sink, counter view (aggregate mode): the handler against the raw client and a naive
 * handler, in interleaved rounds. Details: docs/performance.md ("How the benchmarks measure").
 */
import { pathToFileURL } from 'node:url';
import {
  CreateTableCommand,
  type DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { DynamoSinkConfig, SinkTableConfig } from '../config/types';
import { watermarkAttribute } from '../lambdas/kafka-to-dynamodb/AggregateWriter';
import { DYNAMO_WRITES } from '../lambdas/kafka-to-dynamodb/constants';
import { mapConcurrently } from '../lambdas/kafka-to-dynamodb/mapConcurrently';
import { quietDynamoSink, startDynamoBenchFixture } from './dynamoFixture';
import type { Benchmark, Figure } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const KEYS = 50;
const PARTITIONS = 1;
const TOPIC = 'clickstream';
const MAPPING = 'page-views-hourly';
const T0 = 1_764_144_000_000;

interface Click {
  readonly page: string;
  readonly ts: number;
  readonly quantity: number;
}

/** 50 keys: 25 pages × 2 hours. */
function clicks(count: number): Click[] {
  return Array.from({ length: count }, (_, i) => ({
    page: `page-${i % (KEYS / 2)}`,
    ts: T0 + (Math.floor(i / (KEYS / 2)) % 2) * 3_600_000,
    quantity: (i % 7) + 1,
  }));
}

/** The batch as Lambda delivers it from one partition, at offsets from `firstOffset`. */
function batchAt(events: readonly Click[], firstOffset: number): MSKEvent {
  const records: MSKRecord[] = events.map((value, i) => ({
    topic: TOPIC,
    partition: 0,
    offset: firstOffset + i,
    timestamp: value.ts,
    timestampType: 'CREATE_TIME',
    key: Buffer.from(value.page).toString('base64'),
    value: Buffer.from(JSON.stringify(value)).toString('base64'),
    headers: [],
  }));
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:us-east-1:000000000000:cluster/bench/00000000-0000-0000-0000-000000000000-1',
    bootstrapServers: '127.0.0.1:19092',
    records: { [`${TOPIC}-0`]: records },
  };
}

function windowOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 13);
}

/** The sink's writes for `batch` at offsets from `firstOffset`, issued by hand: one guarded UpdateItem per key. */
function plannedWrites(table: string, batch: readonly Click[], firstOffset: number): UpdateItemCommand[] {
  const totals = new Map<string, { views: number; quantity: number }>();
  for (const c of batch) {
    const id = `${c.page}|${windowOf(c.ts)}`;
    const t = totals.get(id) ?? { views: 0, quantity: 0 };
    t.views++;
    t.quantity += c.quantity;
    totals.set(id, t);
  }
  return [...totals].map(
    ([id, t]) =>
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `page#${id.split('|')[0]}` }, window: { S: id.split('|')[1] as string } },
        UpdateExpression: 'SET #wm = :last ADD #v :v, #q :q',
        ConditionExpression: 'attribute_not_exists(#wm) OR #wm < :first',
        ExpressionAttributeNames: {
          '#wm': watermarkAttribute(MAPPING, TOPIC, 0),
          '#v': 'views',
          '#q': 'quantity',
        },
        ExpressionAttributeValues: {
          ':first': { N: String(firstOffset) },
          ':last': { N: String(firstOffset + batch.length - 1) },
          ':v': { N: String(t.views) },
          ':q': { N: String(t.quantity) },
        },
      }),
  );
}

/**
 * Creates a page-views table (pk, window) and returns the sink config of its hourly aggregate mapping (a
 * count and a sum per page and hour), the workload of this benchmark and of the scaling curve.
 */
export async function pageViewsSink(
  client: DynamoDBClient,
  tableName: string,
  consumerGroup: string,
): Promise<DynamoSinkConfig> {
  const table: SinkTableConfig = {
    name: tableName,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'window', type: 'S' },
  };
  await client.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'window', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'window', KeyType: 'RANGE' },
      ],
    }),
  );
  return {
    consumerGroup,
    tables: [table],
    mappings: [
      {
        name: MAPPING,
        topic: TOPIC,
        mode: 'aggregate',
        table: table.name,
        partitionKey: { name: 'pk', template: 'page#{page}' },
        sortKey: { name: 'window', template: '{ts:yyyy-MM-ddTHH}' },
        metrics: [
          { name: 'views', op: 'count' },
          { name: 'quantity', op: 'sum', field: 'quantity' },
        ],
      },
    ],
  };
}

export const dynamoSink: Benchmark = {
  name: 'dynamodb-sink counters (10 000 events over 50 keys)',
  async run({ quick }) {
    const records = 10_000;
    const naiveRecords = quick ? 100 : 500;
    const rounds = quick ? 2 : 5;
    const fixture = await startDynamoBenchFixture('dynamodb');
    const { client } = fixture;
    const table = `bench-page-views-${Date.now().toString(36)}`;
    const config = await pageViewsSink(client, table, 'bench');
    try {
      const handler = quietDynamoSink(config, client);
      const batch = clicks(records);
      let nextOffset = 0;
      let applied = 0;

      // The sink: each run gets the same 10 000 events at new offsets, so the watermark lets them through.
      let event = batchAt(batch, 0);
      const sinkRequests: number[] = [];
      // The raw client: the sink's own writes (one guarded UpdateItem per key), planned outside the timing.
      let planned: UpdateItemCommand[] = [];
      // The naive handler: one UpdateItem per event, in order, on a subset of the batch.
      const subset = batch.slice(0, naiveRecords);
      const [sink, raw, naive] = await measureInterleaved(
        [
          {
            name: 'dynamodb-sink aggregate (handler)',
            records,
            before: () => {
              event = batchAt(batch, nextOffset);
              nextOffset += records;
            },
            run: async () => {
              const before = fixture.requestTotal();
              const response = await handler(event, {
                awsRequestId: 'bench',
                getRemainingTimeInMillis: () => 60_000,
              });
              if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
              sinkRequests.push(fixture.requestTotal() - before);
              applied++;
            },
          },
          {
            name: 'dynamodb raw UpdateItem (same writes, no handler)',
            records,
            before: () => {
              planned = plannedWrites(table, batch, nextOffset);
              nextOffset += records;
            },
            run: async () => {
              await mapConcurrently(planned, DYNAMO_WRITES.concurrency, (command) => client.send(command));
              applied++;
            },
          },
          {
            name: 'dynamodb naive UpdateItem per event',
            records: naiveRecords,
            // The client's connections are warm from the other variants; a naive warm-up run would only cost time.
            warmupRuns: 0,
            run: async () => {
              for (const c of subset) {
                await client.send(
                  new UpdateItemCommand({
                    TableName: table,
                    Key: { pk: { S: `naive#${c.page}` }, window: { S: windowOf(c.ts) } },
                    UpdateExpression: 'ADD #v :one, #q :q',
                    ExpressionAttributeNames: { '#v': 'views', '#q': 'quantity' },
                    ExpressionAttributeValues: { ':one': { N: '1' }, ':q': { N: String(c.quantity) } },
                  }),
                );
              }
            },
          },
        ],
        rounds,
      );

      // Correctness: every sink and raw run added the batch exactly once.
      const { Items = [] } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      const views = Items.filter((i) => i.pk?.S?.startsWith('page#')).reduce(
        (n, i) => n + Number(i.views?.N),
        0,
      );
      if (views !== applied * records) {
        throw new Error(
          `counters hold ${views} views, expected ${applied * records}: effects were lost or doubled`,
        );
      }

      const perBatch = Math.max(...sinkRequests);
      const bound = KEYS + PARTITIONS;
      const figures: Figure[] = [
        {
          ...sink.figure,
          detail: { ...sink.figure.detail, keys: KEYS, partitions: PARTITIONS, requestsPerBatch: perBatch },
        },
        raw.figure,
        {
          ...naive.figure,
          detail: {
            ...naive.figure.detail,
            note: `timed on the first ${naiveRecords} events of the batch (one awaited UpdateItem each); records/s is per record`,
          },
        },
        ratioFigure('dynamodb-sink vs naive per-event UpdateItem', sink, naive, 20),
        ratioFigure('dynamodb-sink vs raw client (same writes)', sink, raw),
        {
          name: 'dynamodb-sink write requests per batch / (distinct keys + 1 per partition)',
          value: Number((perBatch / bound).toFixed(3)),
          unit: 'x',
          ratio: Number((perBatch / bound).toFixed(3)),
          target: 1,
          targetIsCeiling: true,
          detail: { requests: perBatch, distinctKeys: KEYS, partitions: PARTITIONS, naiveRequests: records },
        },
      ];
      return figures;
    } finally {
      await fixture.close([table]);
    }
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const figures = await dynamoSink.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
}
