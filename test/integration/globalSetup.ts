/**
 * Global setup of the `integration` project: brings the local servers up once per test run (reusing running
 * ones), hands their endpoints to the test workers and, on teardown, stops the servers test runs started
 * (never ones started with `streambridge services up`, and not while another test run still uses them).
 *
 * `STREAMBRIDGE_KEEP_SERVICES=1` leaves them running for the next run.
 */
import type { TestProject } from 'vitest/node';
import { acquireServices } from '../../local/services';

declare module 'vitest' {
  export interface ProvidedContext {
    serviceEnv: Record<string, string>;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  // The AWS SDK warns in every worker that Node 20 support ends in 2027; Lambda runs nodejs22.x.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const lease = await acquireServices({
    keepRunning: process.env.STREAMBRIDGE_KEEP_SERVICES === '1',
    log: (line) => console.log(`[services] ${line}`),
  });
  // Workers are forked after the global setup, so they inherit these; `provide` makes them explicit too.
  Object.assign(process.env, lease.env);
  provide('serviceEnv', lease.env);
  return async () => {
    await lease.release();
  };
}
