/**
 * Global setup of the `integration` project: brings the local servers up once per test run (reusing running
 * ones), hands their endpoints to the test workers and, on teardown, stops the servers test runs started
 * (never ones started with `streambridge services up`, and not while another test run still uses them).
 * The AWS target is `STREAMBRIDGE_AWS_TARGET` (default moto); the `localstack` project holds its own target
 * through `holdServices` (test/targets/localstackGlobalSetup.ts).
 *
 * `STREAMBRIDGE_KEEP_SERVICES=1` leaves them running for the next run.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { acquireServices, type ServicesOptions } from '../../local/services';
import { TEST_RUN_ID_VAR } from '../targets/runResources';

/** One id for every project of this run: the names of the AWS resources the tests create carry it. */
const runId = randomBytes(3).toString('hex');

declare module 'vitest' {
  export interface ProvidedContext {
    serviceEnv: Record<string, string>;
  }
}

/**
 * Holds the servers of one AWS target for a project's workers: provides their environment (`inject
 * ('serviceEnv')`) and returns the teardown that releases them.
 */
export async function holdServices(
  { provide }: TestProject,
  options: Pick<ServicesOptions, 'awsTarget' | 'env'> = {},
): Promise<{ env: Record<string, string>; release: () => Promise<void> }> {
  // The AWS SDK warns in every worker that Node 20 support ends in 2027; Lambda runs nodejs22.x.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const lease = await acquireServices({
    ...options,
    keepRunning: process.env.STREAMBRIDGE_KEEP_SERVICES === '1',
    log: (text) => {
      for (const line of text.split('\n')) console.log(`[services] ${line}`);
    },
  });
  const env = { ...lease.env, [TEST_RUN_ID_VAR]: runId };
  provide('serviceEnv', env);
  return {
    env,
    release: async () => {
      await lease.release();
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { env, release } = await holdServices(project);
  // Workers are forked after the global setup, so they inherit these; `provide` makes them explicit too.
  Object.assign(process.env, env);
  return release;
}
