/**
 * Whether a test applies on the AWS target a run uses, and the name it is reported under when it does not:
 * `<name> (not applicable for <target>: <reason>)`, so the report says so instead of skipping it.
 */
import { AWS_TARGETS } from '../../local/services/constants';
import type { AwsTargetName } from '../../local/services/types';

export interface Applicability {
  readonly applies: boolean;
  /** The test's name as reported: unchanged when it applies. */
  readonly name: string;
  /** Why it does not apply on this target; undefined when it applies. */
  readonly notApplicable: string | undefined;
}

/**
 * @example
 * ```ts
 * targetApplicability(['moto'], 'localstack', 'TTL sweep is moto's', 'deletes expired items');
 * // { applies: false, name: "deletes expired items (not applicable for localstack: TTL sweep is moto's)", … }
 * ```
 */
export function targetApplicability(
  targets: readonly AwsTargetName[],
  current: string,
  reason: string,
  name: string,
): Applicability {
  if (!(AWS_TARGETS as readonly string[]).includes(current)) {
    throw new Error(`unknown AWS target "${current}"; known: ${AWS_TARGETS.join(', ')}`);
  }
  if (targets.length === 0) throw new Error(`"${name}" names no target it applies on`);
  if (!reason.trim()) throw new Error(`"${name}" must say why it does not apply on the other targets`);
  if (targets.includes(current as AwsTargetName)) return { applies: true, name, notApplicable: undefined };
  const notApplicable = `not applicable for ${current}: ${reason}`;
  return { applies: false, name: `${name} (${notApplicable})`, notApplicable };
}
