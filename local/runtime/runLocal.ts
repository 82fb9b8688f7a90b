import { LocalRuntime, type LocalRuntimeOptions } from './LocalRuntime';
import type { LocalDeployment } from './types';

/**
 * Starts the local runtime of a deployment (the entry point of `streambridge local run`): execution
 * environments for its functions and a poller per enabled event source mapping. Resolves once every
 * poller has fixed its starting position; call `stop()` on the result to shut down.
 *
 * @example
 * ```ts
 * const runtime = await runLocal(state.deployment, { env: { ...process.env, ...awsClientEnvironment(endpoints) } });
 * process.once('SIGINT', () => runtime.stop());
 * ```
 */
export async function runLocal(
  deployment: LocalDeployment,
  options: LocalRuntimeOptions = {},
): Promise<LocalRuntime> {
  const runtime = new LocalRuntime(deployment, options);
  await runtime.start();
  return runtime;
}
