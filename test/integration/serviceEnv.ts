import { inject } from 'vitest';

/**
 * The local server endpoints for a test: the environment the global setup provided, over `process.env`
 * (so endpoints set from outside with STREAMBRIDGE_EXTERNAL_SERVICES=1 are used as they are).
 *
 * @example
 * ```ts
 * const { KAFKA_BROKERS } = integrationEnv();
 * ```
 */
export function integrationEnv(): Record<string, string> {
  const provided = inject('serviceEnv');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...provided };
}

/** The value of one endpoint variable, failing clearly when neither the setup nor the environment has it. */
export function requireEnv(name: string): string {
  const value = integrationEnv()[name];
  if (!value) throw new Error(`${name} is not set: the integration global setup did not provide it`);
  return value;
}
