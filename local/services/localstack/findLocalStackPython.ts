import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LOCALSTACK_PYTHON } from '../constants';
import { findExecutable } from '../findExecutable';

const { major, minor } = LOCALSTACK_PYTHON.minimum;

/** `3.13.0` → [3, 13]; undefined for names without a version (`miniconda3-latest`). */
function versionOf(name: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(name);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function recentEnough(version: [number, number]): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

/** Interpreters under pyenv's versions folder that are new enough, newest first. */
function pyenvCandidates(env: NodeJS.ProcessEnv): string[] {
  const root = env.PYENV_ROOT || join(env.HOME || homedir(), '.pyenv');
  const versionsDir = join(root, 'versions');
  if (!existsSync(versionsDir)) return [];
  return readdirSync(versionsDir)
    .map((name) => ({ name, version: versionOf(name) }))
    .filter((entry): entry is { name: string; version: [number, number] } =>
      entry.version ? recentEnough(entry.version) : false,
    )
    .sort((a, b) => b.version[0] - a.version[0] || b.version[1] - a.version[1])
    .map((entry) => join(versionsDir, entry.name, 'bin', 'python3'));
}

/** True when the interpreter runs, is new enough, and can make a venv with pip (Debian splits venv out). */
function usable(python: string, env: NodeJS.ProcessEnv): boolean {
  const check = `import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (${major}, ${minor}) else 1)`;
  try {
    // A pyenv shim of a version that is installed but not selected exits non-zero, so each candidate runs.
    execFileSync(python, ['-c', check], { env, stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Python new enough for LocalStack: `STREAMBRIDGE_LOCALSTACK_PYTHON` if set, else `python3.N` / `python3`
 * on PATH (newest first), else `~/.pyenv/versions/<version>/bin/python3`; undefined when none is usable.
 *
 * @example
 * ```ts
 * findLocalStackPython(process.env); // '/root/.pyenv/versions/3.13.0/bin/python3'
 * ```
 */
export function findLocalStackPython(env: NodeJS.ProcessEnv): string | undefined {
  const override = env[LOCALSTACK_PYTHON.envVar];
  if (override) return usable(override, env) ? override : undefined;
  const names = [
    `python${major}.${minor + 2}`,
    `python${major}.${minor + 1}`,
    `python${major}.${minor}`,
    'python3',
  ];
  const onPath = names.map((name) => findExecutable(name, env)).filter((path) => path !== undefined);
  return [...onPath, ...pyenvCandidates(env)].find((python) => usable(python, env));
}
