/**
 * Reads users' state items with strongly consistent BatchGetItem (100 keys a request, unprocessed keys
 * retried within the invocation's budget): the plan of a conditional write must start from the latest
 * revision.
 */

import { DYNAMO_LIMITS } from '../constants';
import type { DynamoRequests } from '../DynamoRequests';
import type { SdkItem } from '../sdkItems';
import type { SessionTableLayout } from './sessionItems';
import { stateKey, userOfState } from './sessionItems';

/**
 * The state items of `users` (absent users map to `undefined`); throws when a read fails.
 *
 * @example
 * ```ts
 * const stored = await readStates(['u1', 'u2'], layout, 'clickstream-sessions', requests);
 * ```
 */
export async function readStates(
  users: readonly string[],
  layout: SessionTableLayout,
  mapping: string,
  requests: DynamoRequests,
): Promise<Map<string, SdkItem | undefined>> {
  const out = new Map<string, SdkItem | undefined>();
  for (let i = 0; i < users.length; i += DYNAMO_LIMITS.batchGetKeys) {
    let pending = users
      .slice(i, i + DYNAMO_LIMITS.batchGetKeys)
      .map((user) => stateKey(layout, mapping, user));
    const budget = requests.budget();
    while (pending.length > 0) {
      const response = await requests.batchGet({
        RequestItems: { [layout.table]: { Keys: pending, ConsistentRead: true } },
      });
      for (const item of response.Responses?.[layout.table] ?? []) out.set(userOfState(layout, item), item);
      pending = response.UnprocessedKeys?.[layout.table]?.Keys ?? [];
      if (pending.length > 0 && !(await budget.wait())) {
        throw new Error(`${pending.length} key(s) left unprocessed by BatchGetItem`);
      }
    }
  }
  for (const user of users) if (!out.has(user)) out.set(user, undefined);
  return out;
}
