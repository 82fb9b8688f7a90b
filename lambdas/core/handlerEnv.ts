/**
 * Reads of a handler's environment variables (the `HANDLER_ENV` contract) that fail loudly: a missing
 * required variable or a value outside its choices is a {@link ConfigError} naming the variable.
 */
import { ConfigError } from '../../config/errors';

/**
 * A variable the handler cannot run without; unset or empty fails, never a default.
 *
 * @example
 * ```ts
 * const queueUrl = requiredEnv(HANDLER_ENV.deadLetterQueueUrl); // ConfigError "DEAD_LETTER_QUEUE_URL: is not set"
 * ```
 */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new ConfigError([`${name}: is not set`], 'missing handler setting');
  return value;
}

/**
 * One of `allowed`, or `fallback` when the variable is unset or empty. A value outside `allowed` is added
 * to `issues` (so a caller can report every wrong variable at once), or thrown when no list is given.
 *
 * @example
 * ```ts
 * const writer = envChoice(HANDLER_ENV.envelopeWriter, ENVELOPE_WRITERS, 'compiled'); // 'compiled' | 'general'
 * ```
 */
export function envChoice<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T,
  env: NodeJS.ProcessEnv = process.env,
  issues?: string[],
): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const issue = `${name}: must be one of ${allowed.join(', ')} (got "${value}")`;
  if (!issues) throw new ConfigError([issue], 'invalid handler setting');
  issues.push(issue);
  return fallback;
}
