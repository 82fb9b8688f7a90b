/**
 * Kafka → DynamoDB sink, event-sourced state with history: the handler (history items batch-written across
 * entities, one state PutItem per entity) against a naive per-record version (per event: read the state,
 * put its history item, put the state conditioned on the version), and the handler's requests per batch
 * against its bound. Details: docs/performance.md ("How the benchmarks measure").
 */
import { pathToFileURL } from 'node:url';
import {
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import type { DynamoSinkConfig } from '../config/types';
import { DYNAMO_LIMITS } from '../lambdas/kafka-to-dynamodb/constants';
import { mskEvent } from '../local/events/mskEvents';
import { quietDynamoSink, startDynamoBenchFixture } from './dynamoFixture';
import type { Benchmark, Figure } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const ENTITIES = 200;
const VERSIONS = 10;
const TOPIC = 'orders.changes';
const T0 = 1_764_144_000_000;
const STATUSES = ['created', 'paid', 'shipped', 'delivered'] as const;

interface OrderEvent {
  readonly orderId: string;
  readonly version: number;
  readonly eventId: string;
  readonly status: string;
  readonly actor: string;
  readonly ts: number;
}

/** `ENTITIES` orders × `VERSIONS` versions of run `run`, interleaved as a topic partition would carry them. */
function orderEvents(run: number, entities = ENTITIES): OrderEvent[] {
  const events: OrderEvent[] = [];
  for (let version = 1; version <= VERSIONS; version++) {
    for (let n = 0; n < entities; n++) {
      const orderId = `r${run}-o${n}`;
      events.push({
        orderId,
        version,
        eventId: `${orderId}-v${version}`,
        status: STATUSES[(version - 1) % STATUSES.length] as string,
        actor: version === 1 ? `customer-${n}` : 'service',
        ts: T0 + version * 1_000,
      });
    }
  }
  return events;
}

function batchOf(events: readonly OrderEvent[]): MSKEvent {
  return mskEvent(
    events.map((value, i) => ({ topic: TOPIC, offset: i, timestamp: value.ts, key: value.orderId, value })),
  );
}

async function createTable(client: DynamoDBClient, name: string, sortKey?: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'orderId', AttributeType: 'S' },
        ...(sortKey ? [{ AttributeName: sortKey, AttributeType: 'N' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
      ],
    }),
  );
}

/** The naive version of one event: read the state, put its history item, put the state guarded by version. */
async function naiveApply(client: DynamoDBClient, state: string, history: string, e: OrderEvent) {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: state, Key: { orderId: { S: e.orderId } }, ConsistentRead: true }),
  );
  const stored = Number(Item?.version?.N ?? 0);
  if (e.version !== stored + 1) return;
  const fields = {
    orderId: { S: e.orderId },
    eventId: { S: e.eventId },
    status: { S: e.status },
    actor: { S: e.actor },
    ts: { N: String(e.ts) },
  };
  await client.send(
    new PutItemCommand({
      TableName: history,
      Item: {
        ...fields,
        version: { N: String(e.version) },
        sb_at: { N: String(e.ts) },
        sb_change: { M: fields },
      },
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: state,
      Item: { ...(Item ?? {}), ...fields, version: { N: String(e.version) } },
      ConditionExpression: 'attribute_not_exists(version) OR version = :stored',
      ExpressionAttributeValues: { ':stored': { N: String(stored) } },
    }),
  );
}

export const stateHistorySink: Benchmark = {
  name: `dynamodb-sink state with history (${ENTITIES * VERSIONS} events over ${ENTITIES} orders)`,
  async run({ quick }) {
    const records = ENTITIES * VERSIONS;
    const naiveEntities = quick ? 5 : 20;
    const rounds = quick ? 2 : 5;
    const fixture = await startDynamoBenchFixture('history');
    const { client } = fixture;
    const suffix = Date.now().toString(36);
    const state = `bench-order-state-${suffix}`;
    const history = `bench-order-history-${suffix}`;
    await createTable(client, state);
    await createTable(client, history, 'version');
    const config: DynamoSinkConfig = {
      consumerGroup: 'bench',
      tables: [
        { name: state, partitionKey: { name: 'orderId', type: 'S' } },
        {
          name: history,
          partitionKey: { name: 'orderId', type: 'S' },
          sortKey: { name: 'version', type: 'N' },
        },
      ],
      mappings: [
        {
          name: 'order-state',
          topic: TOPIC,
          mode: 'state',
          table: state,
          partitionKey: { name: 'orderId', template: '{orderId}' },
          versionField: 'version',
          eventIdField: 'eventId',
          history: { table: history, timestampField: 'ts', actorField: 'actor', snapshotEvery: 10 },
        },
      ],
    };
    try {
      const handler = quietDynamoSink(config, client);
      let run = 0;
      let event = batchOf(orderEvents(run));
      let naiveEvents: OrderEvent[] = [];
      const sinkRequests: number[] = [];
      let sinkRuns = 0;
      let naiveRuns = 0;
      const [sink, naive] = await measureInterleaved(
        [
          {
            name: 'dynamodb-sink state + history (handler)',
            records,
            before: () => {
              event = batchOf(orderEvents(++run));
            },
            run: async () => {
              const before = fixture.requestTotal();
              const response = await handler(event, {
                awsRequestId: 'bench',
                getRemainingTimeInMillis: () => 60_000,
              });
              if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
              sinkRequests.push(fixture.requestTotal() - before);
              sinkRuns++;
            },
          },
          {
            name: 'dynamodb naive state + history per event',
            records: naiveEntities * VERSIONS,
            warmupRuns: 0,
            before: () => {
              naiveEvents = orderEvents(++run, naiveEntities).map((e) => ({
                ...e,
                orderId: `naive-${e.orderId}`,
              }));
            },
            run: async () => {
              for (const e of naiveEvents) await naiveApply(client, state, history, e);
              naiveRuns++;
            },
          },
        ],
        rounds,
      );

      // Correctness: every version of every order the handler was given is in the history, once.
      let items = 0;
      let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: history,
            ConsistentRead: true,
            ExclusiveStartKey: start,
            Select: 'COUNT',
          }),
        );
        items += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      const handlerItems = items - naiveRuns * naiveEntities * VERSIONS;
      if (handlerItems !== sinkRuns * records) {
        throw new Error(`history holds ${handlerItems} handler versions, expected ${sinkRuns * records}`);
      }

      const perBatch = Math.max(...sinkRequests);
      const bound =
        Math.ceil(ENTITIES / DYNAMO_LIMITS.batchGetKeys) +
        Math.ceil(records / DYNAMO_LIMITS.batchWriteItems) +
        ENTITIES;
      const figures: Figure[] = [
        {
          ...sink.figure,
          detail: {
            ...sink.figure.detail,
            entities: ENTITIES,
            versions: VERSIONS,
            requestsPerBatch: perBatch,
          },
        },
        {
          ...naive.figure,
          detail: {
            ...naive.figure.detail,
            note: `timed on ${naiveEntities} orders × ${VERSIONS} versions (GetItem, history PutItem, state PutItem per event); records/s is per record`,
          },
        },
        ratioFigure('dynamodb-sink state + history vs naive per-event', sink, naive, 10),
        {
          name: 'dynamodb-sink state + history requests per batch / (⌈entities/100⌉ + ⌈versions/25⌉ + entities)',
          value: Number((perBatch / bound).toFixed(3)),
          unit: 'x',
          ratio: Number((perBatch / bound).toFixed(3)),
          target: 1,
          targetIsCeiling: true,
          detail: {
            requests: perBatch,
            bound,
            entities: ENTITIES,
            versions: records,
            naiveRequests: 3 * records,
          },
        },
      ];
      return figures;
    } finally {
      await fixture.close([state, history]);
    }
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const figures = await stateHistorySink.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
}
