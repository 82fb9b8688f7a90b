import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ServicesError } from './errors';

export interface InstallStep {
  /** Prefix of every progress line, e.g. `kafka`. */
  label: string;
  file: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Maps an output line to the progress line to show, or undefined to hide it. Default: show all. */
  progress?: (line: string) => string | undefined;
}

/**
 * Runs a one-time install command (mvn, pip, apt-get) without stdin, showing its progress lines, and fails
 * with the command and its last output lines when it exits non-zero.
 *
 * @example
 * ```ts
 * await runInstallStep({ label: 'moto', file: pip, args: ['install', 'moto[server]==5.2.5'], env, log });
 * ```
 */
export function runInstallStep(step: InstallStep): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.file, step.args, {
      cwd: step.cwd,
      env: step.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 5) tail.shift();
      const shown = step.progress ? step.progress(line) : line;
      if (shown?.trim()) step.log(`${step.label}: ${shown.trim()}`);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.on('error', (error) =>
      reject(new ServicesError(`${step.label}: cannot run ${step.file}: ${error.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const last = tail
          .map((line) => line.trim())
          .filter(Boolean)
          .join(' | ');
        reject(
          new ServicesError(
            `${step.label}: \`${step.file} ${step.args.join(' ')}\` failed with code ${code}: ${last}`,
          ),
        );
      }
    });
  });
}
