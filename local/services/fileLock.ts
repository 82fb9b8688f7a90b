import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TIMEOUTS } from './constants';
import { ServicesError } from './errors';
import { isAlive } from './processControl';

/** In-process queue per lock file, since the file lock alone cannot tell two calls of one process apart. */
const localQueues = new Map<string, Promise<unknown>>();

function tryAcquire(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

function holderPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function acquire(file: string, purpose: string, log: (line: string) => void): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + TIMEOUTS.lock;
  let announced = false;
  while (!tryAcquire(file)) {
    const holder = holderPid(file);
    if (holder === undefined || !isAlive(holder)) {
      // The holder died without releasing (killed launcher): the lock is stale.
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new ServicesError(`gave up waiting for another launcher (pid ${holder}) holding ${file}`);
    }
    if (!announced) {
      log(`waiting for another streambridge launcher (pid ${holder}) to finish ${purpose}`);
      announced = true;
    }
    await sleep(TIMEOUTS.pollInterval);
  }
}

/**
 * Runs `fn` while holding an exclusive lock file, so that concurrent launchers (two test runs, a test run and
 * the CLI) never start the same server twice or download into the same cache at once.
 *
 * @example
 * ```ts
 * await withFileLock(join(stateDir, 'launcher.lock'), 'starting servers', log, () => start());
 * ```
 */
export async function withFileLock<T>(
  file: string,
  purpose: string,
  log: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const previous = localQueues.get(file) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      await acquire(file, purpose, log);
      try {
        return await fn();
      } finally {
        rmSync(file, { force: true });
      }
    });
  localQueues.set(file, run);
  try {
    return await run;
  } finally {
    if (localQueues.get(file) === run) localQueues.delete(file);
  }
}
