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

/** Splits plans into chunks whose writes and counter updates fit one transaction. */
function chunksOf<P extends UserPlan>(
  layout: SessionTableLayout,
  mapping: SessionsMapping,
  plans: readonly P[],
) {
  const chunks: P[][] = [];
  let current: P[] = [];
  for (const plan of plans) {
    const next = [...current, plan];
    if (current.length > 0 && chunkItems(layout, mapping, next).length > SESSION_LIMITS.transactionItems) {
      chunks.push(current);
      current = [plan];
    } else current = next;
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
  const pending = chunksOf(layout, mapping, plans);
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
        pending.push(...chunksOf(layout, mapping, again));
        continue;
      }
      const refused =
        (error as { name?: unknown }).name === 'ValidationException' || codes.includes('ValidationError');
      failed.push({ plans: chunk, error, refused });
    }
  }
  return { committed, failed };
}
