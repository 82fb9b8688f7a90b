import type { TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { SessionsMapping, SinkTableConfig } from '../../../config/types';
import type { DynamoSend } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { DynamoRequests } from '../../../lambdas/kafka-to-dynamodb/DynamoRequests';
import { commitUserPlans, type UserPlan } from '../../../lambdas/kafka-to-dynamodb/sessions/commitUserPlans';
import { sessionTableLayout } from '../../../lambdas/kafka-to-dynamodb/sessions/sessionItems';
import type { DayCounts } from '../../../lambdas/kafka-to-dynamodb/sessions/types';

const table: SinkTableConfig = {
  name: 't',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    { name: 'byDay', partitionKey: { name: 'g1', type: 'S' }, sortKey: { name: 'g2', type: 'S' } },
  ],
};
const mapping: SessionsMapping = {
  name: 'm',
  topic: 'clicks',
  mode: 'sessions',
  table: 't',
  userField: 'userId',
  timestampField: 'ts',
  gapSeconds: 1800,
  latenessSeconds: 120,
  index: 'byDay',
  funnel: { stepField: 'action', steps: ['view', 'cart'], windowSeconds: 3600 },
};
const layout = sessionTableLayout(mapping, table);

function put(id: string): TransactWriteItem {
  return { Put: { TableName: 't', Item: { pk: { S: id }, sk: { S: 'x' } } } };
}

/** User `i`: a state and `sessions` closed sessions, counted on day `day`, and a funnel step on it when `funnel`. */
function plan(i: number, sessions: number, day: string, funnel: boolean): UserPlan {
  const counts = new Map<string, DayCounts>([
    [day, { sessions, pages: sessions * 2, durationMs: 10, funnel: [funnel ? 1 : 0, 0] }],
  ]);
  return { user: `u${i}`, writes: Array.from({ length: 1 + sessions }, (_, k) => put(`u${i}#${k}`)), counts };
}

describe('commitUserPlans', () => {
  it('fills each transaction up to 100 items, counters included, and commits every plan once', async () => {
    // Prepare: 150 users, 3 writes each, over 7 days, with and without funnel steps
    const plans = Array.from({ length: 150 }, (_, i) => plan(i, 2, `2026-12-0${(i % 7) + 1}`, i % 3 === 0));
    const sizes: number[] = [];
    const client: DynamoSend = {
      send: (async (command: TransactWriteItemsCommand) => {
        sizes.push(command.input.TransactItems?.length ?? 0);
        return {};
      }) as unknown as DynamoSend['send'],
    };
    // Act
    const outcome = await commitUserPlans(plans, {
      layout,
      mapping,
      requests: new DynamoRequests(client, () => 60_000),
      replan: async () => [],
    });
    // Assess
    expect(outcome.failed).toEqual([]);
    expect(outcome.committed.map((p) => p.user)).toEqual(plans.map((p) => p.user));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    // 28 users (84 writes) and 14 counter updates a chunk: 98 items, the next user would make 101
    expect(sizes).toEqual([98, 98, 98, 98, 98, 40]);
  });
});
