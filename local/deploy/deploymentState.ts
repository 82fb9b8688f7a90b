import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LocalDeployError } from './errors';
import type { DeploymentState } from './types';

/**
 * Reads the state file written by the last `streambridge local deploy`; undefined when there is none.
 *
 * @example
 * ```ts
 * const state = readDeploymentState('.streambridge/deployment.json');
 * state?.deployment.functions.map((fn) => fn.functionName);
 * ```
 */
export function readDeploymentState(file: string): DeploymentState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: Partial<DeploymentState>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeploymentState>;
  } catch (error) {
    throw new LocalDeployError(
      `state file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); delete it and deploy again`,
    );
  }
  if (parsed.version !== 1 || !parsed.deployment || !Array.isArray(parsed.resources)) {
    throw new LocalDeployError(
      `state file ${file} is not a streambridge local deployment (version 1); delete it and deploy again`,
    );
  }
  return parsed as DeploymentState;
}

/** Writes the state file atomically (a reader never sees half a file). */
export function writeDeploymentState(file: string, state: DeploymentState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}
