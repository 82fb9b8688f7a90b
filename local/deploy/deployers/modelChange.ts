import { isDeepStrictEqual } from 'node:util';
import { DEPLOY_ACTIONS } from '../constants';
import type { DeployAction } from '../types';

/**
 * How a function or mapping of the local model changed since the previous deployment, with the changed
 * top-level keys as a report suffix.
 *
 * @example
 * ```ts
 * modelChange({ batchSize: 100, enabled: true }, { batchSize: 500, enabled: true });
 * // { action: 'updated', changed: '; changed: batchSize' }
 * ```
 */
export function modelChange(
  before: object | undefined,
  after: object,
): { action: DeployAction; changed: string } {
  if (!before) return { action: DEPLOY_ACTIONS.created, changed: '' };
  if (isDeepStrictEqual(before, after)) return { action: DEPLOY_ACTIONS.unchanged, changed: '' };
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter(
    (key) => !isDeepStrictEqual(left[key], right[key]),
  );
  return { action: DEPLOY_ACTIONS.updated, changed: `; changed: ${keys.join(', ')}` };
}
