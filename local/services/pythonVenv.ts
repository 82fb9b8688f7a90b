/**
 * A project-local Python venv holding one pinned PyPI requirement (moto for the local AWS stand-in,
 * cfn-lint for the template checks), created on first use with the system `python3` and reused while its
 * marker file names the same requirement.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServicesError } from './errors';
import { findExecutable } from './findExecutable';
import { serverEnvironment } from './processControl';
import { runInstallStep } from './runInstallStep';

/** File in the venv naming the requirement it was made for: another pin rebuilds it. */
const MARKER = '.streambridge-requirement';

export interface PythonVenvSpec {
  /** Prefix of progress lines, e.g. `moto`. */
  readonly label: string;
  readonly venvDir: string;
  /** A pinned pip requirement, e.g. `moto[server]==5.2.5`. */
  readonly requirement: string;
  /** The console script the requirement installs into `bin/`, e.g. `moto_server`. */
  readonly executable: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/** Path of the venv's console script. */
export function venvExecutable(spec: Pick<PythonVenvSpec, 'venvDir' | 'executable'>): string {
  return join(spec.venvDir, 'bin', spec.executable);
}

/** Whether the venv exists for exactly this requirement. */
export function venvReady(spec: Pick<PythonVenvSpec, 'venvDir' | 'requirement' | 'executable'>): boolean {
  const file = join(spec.venvDir, MARKER);
  return (
    existsSync(file) &&
    readFileSync(file, 'utf8').trim() === spec.requirement &&
    existsSync(venvExecutable(spec))
  );
}

/**
 * Creates the venv and installs the requirement into it unless it is already there; returns the path of
 * the console script. The caller holds whatever lock keeps two processes from installing at once.
 *
 * @example
 * ```ts
 * const bin = await ensurePythonVenv({ label: 'cfn-lint', venvDir, requirement: 'cfn-lint==1.58.0',
 *   executable: 'cfn-lint', env: process.env, log: console.log });
 * ```
 */
export async function ensurePythonVenv(spec: PythonVenvSpec): Promise<string> {
  if (venvReady(spec)) return venvExecutable(spec);
  const python = findExecutable('python3', spec.env);
  if (!python) {
    throw new ServicesError(
      `${spec.label}: python3 is not on PATH (apt-get install -y python3 python3-venv)`,
    );
  }
  const env = { ...serverEnvironment(spec.env), PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  spec.log(
    `${spec.label}: creating ${spec.venvDir} and installing ${spec.requirement} from PyPI (first run only)`,
  );
  rmSync(spec.venvDir, { recursive: true, force: true });
  await runInstallStep({
    label: spec.label,
    file: python,
    args: ['-m', 'venv', spec.venvDir],
    env,
    log: spec.log,
  });
  await runInstallStep({
    label: spec.label,
    file: join(spec.venvDir, 'bin', 'python'),
    args: ['-m', 'pip', 'install', '--progress-bar', 'off', spec.requirement],
    env,
    log: spec.log,
  });
  writeFileSync(join(spec.venvDir, MARKER), `${spec.requirement}\n`);
  return venvExecutable(spec);
}
