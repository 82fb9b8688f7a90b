/**
 * Commits users' planned writes (state, closed sessions) with the counters they add, in TransactWriteItems
 * of at most 100 items: a user's state, its sessions and its share of the counters succeed or fail
 * together, which is what keeps counts exactly-once. A chunk whose revision condition failed (another
 * partition or the schedule wrote the user meanwhile) or that conflicted on a shared counter is planned
 * again from a fresh read and retried.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { SessionsMapping } from '../../../config/types';
import type { DynamoRequests } from '../DynamoRequests';
import { isThrottle } from '../errors';
import { SESSION_LIMITS } from './constants';
import type { SessionTableLayout } from './sessionItems';
import { addCounts, counterUpdates } from './sessionItems';
import type { DayCounts } from './types';

/** One user's writes for one commit. */
export interface UserPlan {
  readonly user: string;
  readonly writes: readonly TransactWriteItem[];
  readonly counts: ReadonlyMap<string, DayCounts>;
}

export interface ChunkFailure<P> {
  readonly plans: readonly P[];
  readonly error: unknown;
  /** DynamoDB refused the content (retrying cannot help). */
  readonly refused: boolean;
}

export interface CommitOutcome<P> {
  readonly committed: readonly P[];
  readonly failed: readonly ChunkFailure<P>[];
}

/** Re-plans users from a fresh read; users with nothing left to write are left out. */
export type Replan<P> = (users: readonly string[]) => Promise<readonly P[]>;

const RETRYABLE_REASONS: ReadonlySet<string> = new Set([
  'ConditionalCheckFailed',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

function cancellationCodes(error: unknown): string[] {
  if ((error as { name?: unknown } | null)?.name !== 'TransactionCanceledException') return [];
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
}

function chunkItems<P extends UserPlan>(
  layout: SessionTableLayout,
  mapping: SessionsMapping,
  plans: readonly P[],
) {
  const counts = new Map<string, DayCounts>();
  for (const plan of plans) addCounts(counts, plan.counts);
  return [...plans.flatMap((p) => p.writes), ...counterUpdates(layout, mapping, counts)];
}

/** Per day of a chunk: whether it adds to the day's session counters and to its funnel (one update each). */
type CounterDays = Map<string, { sessions: boolean; funnel: boolean }>;

/** How many counter updates a chunk's days make once `counts` joins them (as `counterUpdates` writes them). */
function counterItemsWith(days: CounterDays, counts: ReadonlyMap<string, DayCounts>): number {
  let added = 0;
  for (const [day, c] of counts) {
    const seen = days.get(day);
    if (c.sessions > 0 && !seen?.sessions) added++;
    if (c.funnel.some((x) => x > 0) && !seen?.funnel) added++;
  }
  let items = added;
  for (const flags of days.values()) items += (flags.sessions ? 1 : 0) + (flags.funnel ? 1 : 0);
  return items;
}

function addCounterDays(days: CounterDays, counts: ReadonlyMap<string, DayCounts>): void {
  for (const [day, c] of counts) {
    const flags = days.get(day) ?? { sessions: false, funnel: false };
    flags.sessions ||= c.sessions > 0;
    flags.funnel ||= c.funnel.some((x) => x > 0);
    days.set(day, flags);
  }
}

/**
 * Splits plans into chunks whose writes and counter updates fit one transaction. Counts items as it goes
 * (a chunk's counter updates are one per day with sessions and one per day with funnel steps), rather than
 * building each candidate chunk's items, which made planning quadratic in the chunk's users.
 */
function chunksOf<P extends UserPlan>(plans: readonly P[]) {
  const chunks: P[][] = [];
  let current: P[] = [];
  let writes = 0;
  let days: CounterDays = new Map();
  for (const plan of plans) {
    const items = writes + plan.writes.length + counterItemsWith(days, plan.counts);
    if (current.length > 0 && items > SESSION_LIMITS.transactionItems) {
      chunks.push(current);
      current = [];
      writes = 0;
      days = new Map();
    }
    current.push(plan);
    writes += plan.writes.length;
    addCounterDays(days, plan.counts);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Commits every plan, one chunk at a time (parallel chunks would only conflict on the shared counters).
 *
 * @example
 * ```ts
 * const { committed, failed } = await commitUserPlans(plans, { layout, mapping, requests, replan });
 * ```
 */
export async function commitUserPlans<P extends UserPlan>(
  plans: readonly P[],
  options: {
    readonly layout: SessionTableLayout;
    readonly mapping: SessionsMapping;
    readonly requests: DynamoRequests;
    readonly replan: Replan<P>;
  },
): Promise<CommitOutcome<P>> {
  const { layout, mapping, requests, replan } = options;
  const committed: P[] = [];
  const failed: ChunkFailure<P>[] = [];
  const pending = chunksOf(plans);
  const budget = requests.budget();
  let replans = 0;
  while (pending.length > 0) {
    const chunk = pending.shift() as P[];
    try {
      await requests.transactWrite({ TransactItems: chunkItems(layout, mapping, chunk) });
      committed.push(...chunk);
    } catch (error) {
      const codes = cancellationCodes(error);
      const retryable =
        isThrottle(error) || (codes.length > 0 && codes.every((code) => RETRYABLE_REASONS.has(code)));
      if (retryable && replans < SESSION_LIMITS.maxReplans && (await budget.wait())) {
        replans++;
        const again = await replan(chunk.map((p) => p.user));
        pending.push(...chunksOf(again));
        continue;
      }
      const refused =
        (error as { name?: unknown }).name === 'ValidationException' || codes.includes('ValidationError');
      failed.push({ plans: chunk, error, refused });
    }
  }
  return { committed, failed };
}
