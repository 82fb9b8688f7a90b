/**
 * Reads what the clickstream's `sessions` mapping holds for the tally's click users (closed sessions and
 * those still open, strongly consistent) and, for the days the check compares, the day counters and the
 * funnel: each with the one call a product team would make (`SessionReader`).
 *
 * @example
 * ```ts
 * const observed = await readClickSessions(pipeline, expectation, dynamodb); // undefined without the mapping
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapConcurrently } from '../../lambdas/kafka-to-dynamodb/mapConcurrently';
import { SessionReader } from '../../lambdas/kafka-to-dynamodb/sessions/readSessions';
import { expectClickSessions } from './clickSessionsCheck';
import type { DemoPipeline } from './demoPipeline';
import type { Expectation } from './Tally';
import type { ObservedClickSessions } from './types';

/** Users read at once (two requests each). */
const USER_READS_IN_FLIGHT = 16;

export async function readClickSessions(
  pipeline: DemoPipeline,
  expectation: Expectation,
  dynamodb: DynamoDBClient,
): Promise<ObservedClickSessions | undefined> {
  const mapping = pipeline.dynamodb.sessions;
  const expected = expectClickSessions(pipeline, expectation);
  if (!mapping || !expected) return undefined;
  const reader = new SessionReader(dynamodb, mapping, mapping.tableConfig);
  const users = [...expected.sessions.keys()];
  const read = await mapConcurrently(users, USER_READS_IN_FLIGHT, (user) => reader.userPartition(user, true));
  const days = [...expected.days.keys()];
  const funnelDays = [...expected.funnels.keys()];
  const [counts, funnels] = await Promise.all([
    Promise.all(days.map((day) => reader.dayCounts(day, true))),
    Promise.all(funnelDays.map((day) => reader.funnel(day, true))),
  ]);
  return {
    users: new Map(users.map((user, i) => [user, read[i] ?? { closed: [], open: [] }])),
    dayCounts: new Map(days.map((day, i) => [day, counts[i] ?? { sessions: 0, pages: 0, durationMs: 0 }])),
    funnels: new Map(funnelDays.map((day, i) => [day, funnels[i] ?? {}])),
  };
}
