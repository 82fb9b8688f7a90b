/**
 * The test worker's one `TargetResources`: names carry the run id the global setup provided (one id for
 * every worker and project of a `vitest run`), and what a file's tests leave tracked is deleted after the
 * file (`runResources.setup.ts`).
 */
import { integrationEnv } from '../integration/serviceEnv';
import { TargetResources } from './TargetResources';

/** The variable the global setup passes the run id in. */
export const TEST_RUN_ID_VAR = 'STREAMBRIDGE_TEST_RUN_ID';

let resources: TargetResources | undefined;

export function runResources(): TargetResources {
  if (!resources) {
    const env = integrationEnv();
    resources = new TargetResources({ env, runId: env[TEST_RUN_ID_VAR] });
  }
  return resources;
}

/** Deletes what this worker still tracks; a no-op when nothing was ever named here. */
export async function cleanupRunResources(): Promise<void> {
  if (!resources) return;
  const report = await resources.cleanup();
  const problems = [
    ...report.failed.map(({ name, error }) => `${name}: ${error}`),
    ...report.notAttempted.map((name) => `${name}: not reached before the clean-up's time ran out`),
  ];
  if (problems.length > 0) throw new Error(`resources of this run left behind:\n${problems.join('\n')}`);
}
