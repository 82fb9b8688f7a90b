/**
 * The schedule's half of the `sessions` mode: finds the users whose open session's gap has passed with no
 * later event (the index's `due#<mapping>#<bucket>` partitions, sorted by due time), closes those
 * sessions and adds them to the day's counters, in the same transactions as the event path (so a
 * schedule run racing a batch of the same user re-plans instead of writing twice).
 */
import type { DynamoSinkConfig, SessionsMapping } from '../../../config/types';
import type { DynamoRequests } from '../DynamoRequests';
import type { SdkItem } from '../sdkItems';
import type { UserPlan } from './commitUserPlans';
import { commitUserPlans } from './commitUserPlans';
import { SESSION_ATTRIBUTES, SESSION_LIMITS } from './constants';
import { readStates } from './readStates';
import { timelineRules } from './SessionWriter';
import type { SessionTableLayout } from './sessionItems';
import {
  dueBound,
  duePartition,
  readTimeline,
  sessionPut,
  sessionTableLayout,
  statePut,
} from './sessionItems';
import { closeIdleSessions, nextCloseDue } from './sessionTimeline';

interface ClosePlan extends UserPlan {
  readonly closed: number;
}

/** What one schedule run did for one mapping. */
export interface ScheduledClose {
  readonly mapping: string;
  /** Users listed as due. */
  readonly due: number;
  /** Sessions closed and written. */
  readonly closed: number;
  /** Users whose writes failed (they stay due for the next run). */
  readonly failedUsers: number;
}

async function dueUsers(layout: SessionTableLayout, mapping: string, now: number, requests: DynamoRequests) {
  const users = new Set<string>();
  for (let bucket = 0; bucket < SESSION_LIMITS.dueBuckets; bucket++) {
    let start: SdkItem | undefined;
    do {
      const page = await requests.query({
        TableName: layout.table,
        IndexName: layout.indexName,
        KeyConditionExpression: '#p = :p AND #s < :s',
        ExpressionAttributeNames: { '#p': layout.indexPk, '#s': layout.indexSk },
        ExpressionAttributeValues: { ':p': { S: duePartition(mapping, bucket) }, ':s': { S: dueBound(now) } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      for (const item of page.Items ?? []) {
        const user = item[SESSION_ATTRIBUTES.userId]?.S;
        if (user !== undefined) users.add(user);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return [...users];
}

async function closeMapping(
  mapping: SessionsMapping,
  layout: SessionTableLayout,
  now: number,
  requests: DynamoRequests,
): Promise<ScheduledClose> {
  const rules = timelineRules(mapping);
  const stepCount = mapping.funnel?.steps.length ?? 0;
  const plan = async (users: readonly string[]): Promise<ClosePlan[]> => {
    const stored = await readStates(users, layout, mapping.name, requests);
    return users.flatMap((user): ClosePlan[] => {
      const item = stored.get(user);
      const timeline = readTimeline(item);
      if (!item || !timeline) return [];
      const processedAt = Number(item[SESSION_ATTRIBUTES.processedAt]?.N ?? 0);
      const folded = closeIdleSessions(timeline, now, processedAt, rules, stepCount);
      if (folded.closed.length === 0) return [];
      const dueAt = nextCloseDue(folded.timeline, processedAt, rules);
      const state = statePut({
        layout,
        mapping: mapping.name,
        user,
        timeline: folded.timeline,
        stored: item,
        processedAt,
        dueAt,
      });
      const sessions = folded.closed.map((session) => sessionPut(layout, mapping, user, session));
      return [{ user, writes: [state, ...sessions], counts: folded.counts, closed: folded.closed.length }];
    });
  };
  const users = await dueUsers(layout, mapping.name, now, requests);
  const plans = users.length > 0 ? await plan(users) : [];
  const outcome = await commitUserPlans(plans, { layout, mapping, requests, replan: plan });
  return {
    mapping: mapping.name,
    due: users.length,
    closed: outcome.committed.reduce((sum, p) => sum + p.closed, 0),
    failedUsers: outcome.failed.reduce((sum, f) => sum + f.plans.length, 0),
  };
}

/**
 * Closes the due sessions of every `sessions` mapping of the sink (or only `mappingName`).
 *
 * @example
 * ```ts
 * const requests = new DynamoRequests(client, () => context.getRemainingTimeInMillis());
 * const results = await closeDueSessions(config, requests, Date.now()); // [{ mapping, due, closed, failedUsers }]
 * ```
 */
export async function closeDueSessions(
  config: DynamoSinkConfig,
  requests: DynamoRequests,
  now: number,
  mappingName?: string,
): Promise<ScheduledClose[]> {
  const tables = new Map(config.tables.map((table) => [table.name, table]));
  const results: ScheduledClose[] = [];
  for (const mapping of config.mappings) {
    if (mapping.mode !== 'sessions' || (mappingName !== undefined && mapping.name !== mappingName)) continue;
    const table = tables.get(mapping.table);
    if (!table) throw new Error(`mapping "${mapping.name}": table "${mapping.table}" is not declared`);
    results.push(await closeMapping(mapping, sessionTableLayout(mapping, table), now, requests));
  }
  return results;
}
