import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TIMEOUTS } from './constants';
import type { ServerCommand } from './types';

/** A server process that was just spawned; `exited` is set once it is gone. */
export interface SpawnedServer {
  pid: number;
  exitReason(): string | undefined;
}

/** Keeps the previous log beside the new one (`<file>.1`) so a crash before a restart can still be read. */
export function rotateLog(logFile: string): void {
  if (existsSync(logFile) && statSync(logFile).size > 0) renameSync(logFile, `${logFile}.1`);
}

/**
 * Starts a server in its own process group (so `down` can stop it and any children together), with its
 * output in `logFile`, detached so it outlives the launcher.
 *
 * @example
 * ```ts
 * const server = spawnDetached({ file: '/usr/bin/redis-server', args: ['--port', '16379'], cwd, env }, log);
 * ```
 */
export function spawnDetached(command: ServerCommand, logFile: string): SpawnedServer {
  rotateLog(logFile);
  const fd = openSync(logFile, 'a');
  writeSync(fd, `# ${new Date().toISOString()} ${command.file} ${command.args.join(' ')}\n`);
  let exited: string | undefined;
  try {
    const child = spawn(command.file, command.args, {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.on('error', (error) => {
      exited = error.message;
    });
    child.on('exit', (code, signal) => {
      exited = signal ? `exited on ${signal}` : `exited with code ${code}`;
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not spawn ${command.file}`);
    return { pid: child.pid, exitReason: () => exited };
  } finally {
    closeSync(fd);
  }
}

/** Process state letter from /proc (Linux); undefined when the process does not exist. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
  } catch {
    return undefined;
  }
}

/**
 * True when the process exists and is not a zombie (a killed server whose parent has not reaped it yet
 * still answers `kill(pid, 0)`).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!existsSync('/proc')) return true;
  const state = procState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The process command line (Linux), to tell our server from an unrelated process that reused its pid. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(TIMEOUTS.pollInterval / 2);
  }
  return true;
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after the bounded wait (at once when `gracefulMs` is 0, as a
 * crash would). Returns true when SIGKILL was needed. The group is sent SIGKILL at the end in any case so no
 * child of the server survives its leader.
 *
 * @example
 * ```ts
 * const killed = await stopProcessGroup(record.pid, 30_000);
 * ```
 */
export async function stopProcessGroup(pid: number, gracefulMs: number): Promise<boolean> {
  if (gracefulMs > 0) signalGroup(pid, 'SIGTERM');
  const graceful = gracefulMs > 0 && (await waitForExit(pid, gracefulMs));
  signalGroup(pid, 'SIGKILL');
  if (!graceful && !(await waitForExit(pid, TIMEOUTS.afterKill))) {
    throw new Error(`process ${pid} is still alive after SIGKILL`);
  }
  return !graceful;
}

/**
 * The environment a server runs with: the caller's, minus Node options that a test runner or tsx injects
 * (they would make kinesis-mock's Node load loaders it has no use for).
 */
export function serverEnvironment(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...rest } = env;
  return { ...rest, ...extra };
}
