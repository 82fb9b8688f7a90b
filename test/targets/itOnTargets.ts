/**
 * `it` for a test that needs a server-side behaviour some AWS targets lack. On a target it applies to, it is
 * an ordinary test. On the others it is still reported, never skipped: named `… (not applicable for
 * <target>: <reason>)`, annotated with the reason, and it passes only after checking that the run really is
 * on a target outside the list (and, when given, that `confirmLack` still finds the behaviour missing).
 */
import { expect, it } from 'vitest';
import type { AwsTargetName } from '../../local/services/types';
import { integrationEnv } from '../integration/serviceEnv';
import { targetApplicability } from './targetApplicability';

export interface OnTargetsOptions {
  readonly timeout?: number;
  /** On a target outside the list: shows the behaviour is missing there (fails once the target gains it). */
  readonly confirmLack?: () => Promise<void>;
}

/** The AWS target of this test process, as the global setup provided it. */
export function currentAwsTarget(): string {
  return integrationEnv().STREAMBRIDGE_AWS_TARGET ?? 'moto';
}

/**
 * @example
 * ```ts
 * itOnTargets(['moto', 'localstack'], "TTL deletes within seconds are the moto launcher's sweep", 'deletes expired items', async () => { … });
 * ```
 */
export function itOnTargets(
  targets: readonly AwsTargetName[],
  reason: string,
  name: string,
  fn: () => Promise<void>,
  options: OnTargetsOptions = {},
): void {
  const current = currentAwsTarget();
  const applicability = targetApplicability(targets, current, reason, name);
  if (applicability.applies) {
    it(name, fn, options.timeout);
    return;
  }
  it(
    applicability.name,
    async ({ annotate }) => {
      await annotate(applicability.notApplicable ?? '', 'notice');
      console.log(`[${current}] ${applicability.name}`);
      expect(targets).not.toContain(current);
      await options.confirmLack?.();
    },
    options.timeout,
  );
}
