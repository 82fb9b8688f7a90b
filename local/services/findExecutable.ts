import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Looks a command up on PATH the way a shell would; `undefined` when it is not there.
 *
 * @example
 * ```ts
 * const java = findExecutable('java', process.env); // '/usr/bin/java'
 * ```
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry; try the next.
    }
  }
  return undefined;
}
