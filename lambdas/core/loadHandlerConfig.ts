/**
 * Reads a handler's config slice from `STREAMBRIDGE_CONFIG` once per cold start and validates it, so a
 * bad slice fails the first invocation loudly (it never reaches a deployed handler: synth validates first).
 *
 * @example
 * ```ts
 * const config = loadHandlerConfig(validateRedisSinkSlice);
 * ```
 */
import { CONFIG_ENV_VAR } from '../../config/constants';
import { ConfigError } from '../../config/errors';
import { requiredEnv } from './handlerEnv';

export function loadHandlerConfig<T>(
  validate: (value: unknown) => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const raw = requiredEnv(CONFIG_ENV_VAR, env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(
      [`${CONFIG_ENV_VAR}: is not JSON (${(error as Error).message})`],
      'invalid handler config',
    );
  }
  return validate(parsed);
}
