/**
 * The `sessions` mode on real servers (Kafka, moto): sessions and funnels from journeys with known
 * answers, redelivery, events out of order across partitions, late events, DynamoDB failing mid-batch
 * with a fresh execution environment redelivering, and the schedule's close.
 */
import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoSinkConfig, SessionsMapping, SinkTableConfig } from '../../../config/types';
import { DynamoRequests } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { closeDueSessions } from '../../../lambdas/kafka-to-dynamodb/sessions/closeDueSessions';
import { funnelReach, utcDay } from '../../../lambdas/kafka-to-dynamodb/sessions/funnelReach';
import { SessionReader } from '../../../lambdas/kafka-to-dynamodb/sessions/readSessions';
import type { Session } from '../../../lambdas/kafka-to-dynamodb/sessions/types';
import {
  consumeAsMskEvent,
  createTestTopic,
  produceMessages,
  recordsOf,
  selectRecords,
} from '../helpers/kafkaMskEvents';
import { lambdaContext, scanItems, T0, uniqueName, useDynamoSinkFixture } from './dynamoSinkFixture';

const MIN = 60_000;
const STEPS = ['view', 'cart', 'checkout', 'paid'] as const;
const GAP = 30 * MIN;
const LATENESS = 10 * MIN;
const WINDOW = 60 * MIN;

interface View {
  readonly userId: string;
  readonly ts: number;
  readonly page: string;
  readonly action?: string;
}

/** Journeys: a user's views a few minutes apart, a new session after a long pause, funnels of varied depth. */
function journeys(users: number, prefix = 'u'): View[] {
  const views: View[] = [];
  for (let u = 0; u < users; u++) {
    const userId = `${prefix}${u}`;
    let ts = T0 + u * 7_000;
    const sessions = 1 + (u % 3);
    for (let s = 0; s < sessions; s++) {
      const depth = (u + s) % (STEPS.length + 1);
      const pages = 2 + ((u * 7 + s) % 5);
      for (let i = 0; i < pages; i++) {
        const action = i < depth ? STEPS[i] : undefined;
        views.push({ userId, ts, page: `p${(u + i) % 5}`, ...(action ? { action } : {}) });
        ts += (1 + ((u + i) % 4)) * MIN;
      }
      ts += GAP + LATENESS + (5 + (u % 40)) * MIN;
    }
  }
  return views;
}

/** Swaps neighbours of the same user less than the lateness apart: out of order, but within lateness. */
function jostle(views: readonly View[]): View[] {
  const out = [...views];
  for (let i = 0; i + 1 < out.length; i += 3) {
    const [a, b] = [out[i] as View, out[i + 1] as View];
    if (a.userId === b.userId && b.ts - a.ts < LATENESS) [out[i], out[i + 1]] = [b, a];
  }
  return out;
}

function sessionsOf(times: readonly number[]): Session[] {
  const sessions: Session[] = [];
  for (const ts of [...times].sort((a, b) => a - b)) {
    const last = sessions[sessions.length - 1];
    if (last && ts - last.end <= GAP)
      sessions[sessions.length - 1] = { ...last, end: ts, pages: last.pages + 1 };
    else sessions.push({ start: ts, end: ts, pages: 1 });
  }
  return sessions;
}

/** Per user: every session, and those an event already closed (a gap and the lateness before its latest event). */
function expected(views: readonly View[]) {
  const byUser = new Map<string, View[]>();
  for (const v of views) byUser.set(v.userId, [...(byUser.get(v.userId) ?? []), v]);
  const result = new Map<string, { all: Session[]; closedByEvents: Session[] }>();
  const funnel = new Map<string, number[]>();
  for (const [user, list] of byUser) {
    const all = sessionsOf(list.map((v) => v.ts));
    const horizon = Math.max(...list.map((v) => v.ts)) - LATENESS;
    result.set(user, { all, closedByEvents: all.filter((s) => s.end + GAP < horizon) });
    const steps = list.flatMap((v) => {
      const step = v.action ? STEPS.indexOf(v.action as (typeof STEPS)[number]) : -1;
      return step >= 0 ? [{ ts: v.ts, step }] : [];
    });
    for (const [day, depth] of Object.entries(funnelReach(steps, STEPS.length, WINDOW))) {
      const counts = funnel.get(day) ?? [0, 0, 0, 0];
      for (let i = 0; i < depth; i++) counts[i] = (counts[i] as number) + 1;
      funnel.set(day, counts);
    }
  }
  return { users: result, funnel };
}

function dayTotals(sessions: Iterable<Session>) {
  const days = new Map<string, { sessions: number; pages: number; durationMs: number }>();
  for (const s of sessions) {
    const day = days.get(utcDay(s.start)) ?? { sessions: 0, pages: 0, durationMs: 0 };
    day.sessions++;
    day.pages += s.pages;
    day.durationMs += s.end - s.start;
    days.set(utcDay(s.start), day);
  }
  return days;
}

describe('kafka-to-dynamodb: sessions mode (sessionization and funnels)', () => {
  const fixture = useDynamoSinkFixture();
  const { client, kafka, dlq } = fixture;

  async function setUp(partitions: number) {
    const topic = await createTestTopic(kafka, 'clicks', partitions);
    const table: SinkTableConfig = {
      name: uniqueName('sessions'),
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      ttlAttribute: 'expiresAt',
      globalIndexes: [
        {
          name: 'byDay',
          partitionKey: { name: 'gsi1pk', type: 'S' },
          sortKey: { name: 'gsi1sk', type: 'S' },
        },
      ],
    };
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
          AttributeName: name,
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
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
      }),
    );
    fixture.adopt(table.name, topic);
    const mapping: SessionsMapping = {
      name: 'clickstream-sessions',
      topic,
      mode: 'sessions',
      table: table.name,
      userField: 'userId',
      timestampField: 'ts',
      gapSeconds: GAP / 1000,
      latenessSeconds: LATENESS / 1000,
      index: 'byDay',
      funnel: { stepField: 'action', steps: [...STEPS], windowSeconds: WINDOW / 1000 },
      // The journeys are of 2025: a shorter retention would let moto's TTL sweeper take the sessions.
      retentionDays: 3650,
    };
    const config: DynamoSinkConfig = { consumerGroup: 'tests', tables: [table], mappings: [mapping] };
    return {
      topic,
      table,
      mapping,
      config,
      reader: new SessionReader(client, mapping, table),
      ...fixture.handler(config),
    };
  }

  async function closedOf(reader: SessionReader, users: Iterable<string>) {
    const out = new Map<string, Session[]>();
    for (const user of users) {
      out.set(
        user,
        (await reader.userSessions(user, true)).map(({ start, end, pages }) => ({ start, end, pages })),
      );
    }
    return out;
  }

  async function funnelOf(reader: SessionReader, days: Iterable<string>) {
    return new Map(
      await Promise.all(
        [...days].map(async (day) => [day, Object.values(await reader.funnel(day, true))] as const),
      ),
    );
  }

  it('closes sessions on later events, counts them per day and counts the funnel per step and day, exactly', async () => {
    // Prepare
    const { topic, handler, reader, logs } = await setUp(2);
    const sent = journeys(150);
    await produceMessages(
      kafka,
      topic,
      jostle(sent).map((v) => ({ key: v.userId, value: v })),
    );
    const event = await consumeAsMskEvent(kafka, topic, sent.length);
    const want = expected(sent);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const closed = await closedOf(reader, want.users.keys());
    for (const [user, w] of want.users) {
      expect(closed.get(user), user).toEqual(w.closedByEvents);
      expect([...(closed.get(user) ?? []), ...(await reader.openSessions(user, true))], user).toEqual(w.all);
      // One Query of the user's partition reads the same closed and open sessions as the two reads above.
      const partition = await reader.userPartition(user, true);
      expect({ closed: partition.closed, open: partition.open }, user).toEqual({
        closed: await reader.userSessions(user, true),
        open: await reader.openSessions(user, true),
      });
    }
    const totals = dayTotals([...want.users.values()].flatMap((w) => w.closedByEvents));
    for (const [day, counts] of totals) expect(await reader.dayCounts(day, true)).toEqual(counts);
    const byDay = await reader.daySessions([...totals.keys()][0] as string);
    expect(byDay).toHaveLength(totals.get([...totals.keys()][0] as string)?.sessions ?? -1);
    expect(await funnelOf(reader, want.funnel.keys())).toEqual(want.funnel);
    const emf = JSON.parse(logs.find((l) => l.includes('"SessionsClosedOnEvent"')) as string);
    expect([emf.SessionsClosedOnEvent].flat().reduce((a: number, b: number) => a + b, 0)).toBe(
      totals.get([...totals.keys()][0] as string)?.sessions,
    );
  });

  it('changes nothing when the same batch is delivered three times, or redelivered overlapping applied offsets', async () => {
    // Prepare
    const { topic, table, handler } = await setUp(2);
    const sent = journeys(60);
    await produceMessages(
      kafka,
      topic,
      sent.map((v) => ({ key: v.userId, value: v })),
    );
    const all = await consumeAsMskEvent(kafka, topic, sent.length);
    const firstHalf = selectRecords(all, (r) => r.offset < 100);
    const snapshots = [];

    // Act
    expect((await handler(firstHalf, lambdaContext())).batchItemFailures).toEqual([]);
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await handler(all, lambdaContext())).batchItemFailures).toEqual([]);
      snapshots.push((await scanItems(client, table.name)).filter((i) => !String(i.sk).startsWith('state#')));
    }

    // Assess
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
    const closed = snapshots[0]?.filter((i) => String(i.sk).startsWith('session#')) ?? [];
    expect(closed).toHaveLength(
      [...expected(sent).users.values()].reduce((n, w) => n + w.closedByEvents.length, 0),
    );
  });

  it('places events from partitions read in any order within the lateness, racing on the same users', async () => {
    // Prepare: keyed by page, so each user's views spread over 3 partitions applied concurrently
    const { topic, handler, reader } = await setUp(3);
    const sent = journeys(40, 'x').filter((v) => v.ts - T0 < LATENESS + 40 * 7_000);
    await produceMessages(
      kafka,
      topic,
      sent.map((v) => ({ key: v.page, value: v })),
    );
    const event = await consumeAsMskEvent(kafka, topic, sent.length);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    for (const [user, w] of expected(sent).users) {
      const stored = [
        ...((await closedOf(reader, [user])).get(user) ?? []),
        ...(await reader.openSessions(user, true)),
      ];
      expect(stored, user).toEqual(w.all);
    }
  });

  it('dead-letters events older than the lateness with the reason, and places the rest', async () => {
    // Prepare
    const { topic, handler, reader } = await setUp(1);
    await produceMessages(kafka, topic, [
      { key: 'late', value: { userId: 'late', ts: T0 + 60 * MIN, page: 'a' } },
      { key: 'late', value: { userId: 'late', ts: T0 + 52 * MIN, page: 'b' } },
      { key: 'late', value: { userId: 'late', ts: T0 + 45 * MIN, page: 'c' } },
      { key: 'late', value: { userId: 'late', page: 'd' } },
    ]);
    const event = await consumeAsMskEvent(kafka, topic, 4);

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await reader.openSessions('late', true)).toEqual([
      { start: T0 + 52 * MIN, end: T0 + 60 * MIN, pages: 2 },
    ]);
    const letters = await dlq.letters(topic, 2);
    expect(letters.map((l) => l.errorType).sort()).toEqual(['LateEvent', 'MissingField']);
    const late = letters.find((l) => l.errorType === 'LateEvent') as {
      reason: string;
      coordinates: { offset: number };
    };
    expect(late.coordinates.offset).toBe(2);
    expect(late.reason).toContain('2025-11-26T08:45:00.000Z is before 2025-11-26T08:50:00.000Z');
  });

  it('loses and doubles nothing when DynamoDB fails mid-batch and a fresh environment redelivers from the failure', async () => {
    // Prepare: the 2nd transaction of the first delivery fails as a connection would
    const { topic, config, reader } = await setUp(1);
    const sent = journeys(120, 'f');
    await produceMessages(
      kafka,
      topic,
      sent.map((v) => ({ key: v.userId, value: v })),
    );
    const all = await consumeAsMskEvent(kafka, topic, sent.length);
    let transactions = 0;
    const failing = {
      send: (command: Parameters<typeof client.send>[0]) => {
        if (command.constructor.name === 'TransactWriteItemsCommand' && ++transactions === 2) {
          return Promise.reject(
            Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { code: 'ECONNREFUSED' }),
          );
        }
        return client.send(command as never);
      },
    } as typeof client;
    const want = expected(sent);

    // Act
    const first = await fixture.handler(config, failing).handler(all, lambdaContext());
    const failedAt = first.batchItemFailures[0]?.itemIdentifier.offset ?? -1;
    const rest = selectRecords(all, (r) => r.offset >= failedAt);
    const second = await fixture.handler(config).handler(rest, lambdaContext());

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(recordsOf(rest).length).toBeGreaterThan(0);
    expect(second.batchItemFailures).toEqual([]);
    const closed = await closedOf(reader, want.users.keys());
    for (const [user, w] of want.users) expect(closed.get(user), user).toEqual(w.closedByEvents);
    const totals = dayTotals([...want.users.values()].flatMap((w) => w.closedByEvents));
    for (const [day, counts] of totals) expect(await reader.dayCounts(day, true)).toEqual(counts);
    expect(await funnelOf(reader, want.funnel.keys())).toEqual(want.funnel);
  });

  it('closes on the schedule the sessions no later event closed, once, with their counts', async () => {
    // Prepare
    const { topic, config, handler, reader } = await setUp(1);
    const sent = journeys(30, 's');
    await produceMessages(
      kafka,
      topic,
      sent.map((v) => ({ key: v.userId, value: v })),
    );
    expect(
      (await handler(await consumeAsMskEvent(kafka, topic, sent.length), lambdaContext())).batchItemFailures,
    ).toEqual([]);
    const want = expected(sent);
    const requests = () => new DynamoRequests(client, () => 60_000);

    // Act
    const tooEarly = await closeDueSessions(config, requests(), Date.now());
    const later = Date.now() + LATENESS + 1;
    const runs = [
      await closeDueSessions(config, requests(), later),
      await closeDueSessions(config, requests(), later),
    ];

    // Assess
    const open = [...want.users.values()].reduce((n, w) => n + w.all.length - w.closedByEvents.length, 0);
    expect(tooEarly[0]?.closed).toBe(0);
    expect(runs.map((r) => r[0]?.closed)).toEqual([open, 0]);
    expect(runs[0]?.[0]?.failedUsers).toBe(0);
    const closed = await closedOf(reader, want.users.keys());
    for (const [user, w] of want.users) {
      expect(closed.get(user), user).toEqual(w.all);
      expect(await reader.openSessions(user, true)).toEqual([]);
    }
    const totals = dayTotals([...want.users.values()].flatMap((w) => w.all));
    for (const [day, counts] of totals) expect(await reader.dayCounts(day, true)).toEqual(counts);
  });
});
