/**
 * Kafka → DynamoDB sink, sessions mode (clickstream sessions and a funnel): the handler against a naive
 * per-event version (read the user's state, fold one view, one transaction), and the sink's requests per
 * batch against the batch's distinct users. moto charges a TransactWriteItems by its items, so the
 * handler's own CPU, printed with each batch's time, is a small part of it. Details: docs/performance.md
 * ("How the benchmarks measure").
 */
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import type { DynamoSinkConfig, SessionsMapping, SinkTableConfig } from '../config/types';
import { DynamoRequests } from '../lambdas/kafka-to-dynamodb/DynamoRequests';
import { commitUserPlans } from '../lambdas/kafka-to-dynamodb/sessions/commitUserPlans';
import { SessionReader } from '../lambdas/kafka-to-dynamodb/sessions/readSessions';
import { readStates } from '../lambdas/kafka-to-dynamodb/sessions/readStates';
import { timelineRules } from '../lambdas/kafka-to-dynamodb/sessions/SessionWriter';
import {
  readTimeline,
  sessionPut,
  sessionTableLayout,
  statePut,
} from '../lambdas/kafka-to-dynamodb/sessions/sessionItems';
import {
  EMPTY_TIMELINE,
  foldPageViews,
  nextCloseDue,
} from '../lambdas/kafka-to-dynamodb/sessions/sessionTimeline';
import { mskEvent } from '../local/events/mskEvents';
import { quietDynamoSink, startDynamoBenchFixture } from './dynamoFixture';
import type { Benchmark, Figure } from './harness';
import { figuresTable, measureInterleaved, ratioFigure } from './harness';

const USERS = 100;
const TOPIC = 'clickstream';
const T0 = 1_764_144_000_000;
const MIN = 60_000;
const STEPS = ['view', 'cart', 'checkout', 'paid'];

interface View {
  readonly userId: string;
  readonly ts: number;
  readonly action?: string;
}

/** `count` views of `USERS` users (run-tagged), a session closed every 5 views (a 45 min pause), funnel steps. */
function views(count: number, tag: string): View[] {
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(i / USERS);
    const action = STEPS[n % 5];
    return {
      userId: `${tag}-u${i % USERS}`,
      ts: T0 + n * 2 * MIN + Math.floor(n / 5) * 45 * MIN,
      ...(action ? { action } : {}),
    };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

function batchOf(events: readonly View[]): MSKEvent {
  return mskEvent(
    events.map((value, i) => ({ topic: TOPIC, offset: i, timestamp: value.ts, key: value.userId, value })),
  );
}

async function createSessionsSink(client: DynamoDBClient, name: string): Promise<DynamoSinkConfig> {
  const table: SinkTableConfig = {
    name,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [
      { name: 'byDay', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    ],
  };
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((a) => ({
        AttributeName: a,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byDay',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const mapping: SessionsMapping = {
    name: 'clickstream-sessions',
    topic: TOPIC,
    mode: 'sessions',
    table: name,
    userField: 'userId',
    timestampField: 'ts',
    gapSeconds: 1800,
    latenessSeconds: 120,
    index: 'byDay',
    funnel: { stepField: 'action', steps: STEPS, windowSeconds: 3600 },
  };
  return { consumerGroup: 'bench', tables: [table], mappings: [mapping] };
}

/** The naive version: per event, read the user's state, fold the one view, write it in its own transaction. */
async function naivePerEvent(config: DynamoSinkConfig, client: DynamoDBClient, events: readonly View[]) {
  const mapping = config.mappings[0] as SessionsMapping;
  const layout = sessionTableLayout(mapping, config.tables[0] as SinkTableConfig);
  const rules = timelineRules(mapping);
  const requests = new DynamoRequests(client, () => 60_000);
  for (const view of events) {
    const stored = (await readStates([view.userId], layout, mapping.name, requests)).get(view.userId);
    const step = view.action ? STEPS.indexOf(view.action) : -1;
    const folded = foldPageViews(
      readTimeline(stored) ?? EMPTY_TIMELINE,
      [{ ts: view.ts, ...(step >= 0 ? { step } : {}) }],
      rules,
      STEPS.length,
    );
    const now = Date.now();
    const writes = [
      statePut({
        layout,
        mapping: mapping.name,
        user: view.userId,
        timeline: folded.timeline,
        stored,
        processedAt: now,
        dueAt: nextCloseDue(folded.timeline, now, rules),
      }),
      ...folded.closed.map((s) => sessionPut(layout, mapping, view.userId, s)),
    ];
    const outcome = await commitUserPlans([{ user: view.userId, writes, counts: folded.counts }], {
      layout,
      mapping,
      requests,
      replan: async () => [],
    });
    if (outcome.failed.length > 0) throw new Error('the naive write failed');
  }
}

export const sessionsSink: Benchmark = {
  name: 'dynamodb-sink sessions (2 000 page views over 100 users)',
  async run({ quick }) {
    const records = 2_000;
    const naiveRecords = quick ? 100 : 300;
    const rounds = quick ? 2 : 5;
    const fixture = await startDynamoBenchFixture('sessions');
    const { client } = fixture;
    const table = `bench-sessions-${Date.now().toString(36)}`;
    const config = await createSessionsSink(client, table);
    try {
      const handler = quietDynamoSink(config, client);
      let round = 0;
      let event = batchOf([]);
      let naiveBatch: View[] = [];
      const perBatch: number[] = [];
      // The handler's own CPU (this process: planning, (de)serializing, the SDK) against the batch's wall time.
      const cpuMs: number[] = [];
      const wallMs: number[] = [];
      // Each run gets new users (a new tag): the same events again would be duplicates or late.
      const [sink, naive] = await measureInterleaved(
        [
          {
            name: 'dynamodb-sink sessions (handler)',
            records,
            before: () => {
              event = batchOf(views(records, `h${round++}`));
            },
            run: async () => {
              const before = fixture.requestTotal();
              const cpu = process.cpuUsage();
              const started = performance.now();
              const response = await handler(event, {
                awsRequestId: 'bench',
                getRemainingTimeInMillis: () => 60_000,
              });
              wallMs.push(performance.now() - started);
              const used = process.cpuUsage(cpu);
              cpuMs.push((used.user + used.system) / 1000);
              if (response.batchItemFailures.length > 0) throw new Error('the sink reported failures');
              perBatch.push(fixture.requestTotal() - before);
            },
          },
          {
            name: 'dynamodb naive sessions (read, fold, transaction per event)',
            records: naiveRecords,
            warmupRuns: 0,
            before: () => {
              naiveBatch = views(records, `n${round++}`).slice(0, naiveRecords);
            },
            run: () => naivePerEvent(config, client, naiveBatch),
          },
        ],
        rounds,
      );

      // Correctness: every handler run closed 3 sessions per user (views 0-4, 5-9, 10-14; 15-19 stay open).
      const mapping = config.mappings[0] as SessionsMapping;
      const counts = await new SessionReader(client, mapping, config.tables[0] as SinkTableConfig).dayCounts(
        '2025-11-26',
        true,
      );
      const handlerRuns = perBatch.length;
      const naiveClosed = counts.sessions - handlerRuns * USERS * 3;
      if (naiveClosed < 0 || counts.pages - handlerRuns * USERS * 15 !== naiveClosed * 5) {
        throw new Error(
          `day counts ${JSON.stringify(counts)} do not match ${handlerRuns} handler runs: effects were lost or doubled`,
        );
      }

      const requests = Math.max(...perBatch);
      const figures: Figure[] = [
        {
          ...sink.figure,
          detail: {
            ...sink.figure.detail,
            users: USERS,
            requestsPerBatch: requests,
            handlerCpuMsPerBatch: median(cpuMs),
            wallMsPerBatch: median(wallMs),
            note: 'moto works a TransactWriteItems item by item, so both rates are mostly the emulator’s. handlerCpuMsPerBatch (this process, SDK included) against wallMsPerBatch shows how little of it is the handler; the requests per batch are the figure that carries to DynamoDB',
          },
        },
        {
          ...naive.figure,
          detail: {
            ...naive.figure.detail,
            note: `timed on the first ${naiveRecords} views of a batch (a BatchGetItem and a TransactWriteItems each); records/s is per record`,
          },
        },
        // Kept at 20x, the ratio on DynamoDB (a few ms per request whatever its items): missed on moto, see the note.
        ratioFigure('dynamodb-sink sessions vs naive per-event transaction', sink, naive, 20),
        {
          name: 'dynamodb-sink sessions requests per batch / distinct users',
          value: Number((requests / USERS).toFixed(3)),
          unit: 'x',
          ratio: Number((requests / USERS).toFixed(3)),
          target: 0.1,
          targetIsCeiling: true,
          detail: { requests, distinctUsers: USERS, events: records, naiveRequests: records * 2 },
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
  const figures = await sessionsSink.run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${figuresTable(figures)}\n\n${JSON.stringify(figures, null, 2)}\n`);
}
