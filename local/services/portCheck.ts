import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS, LOOPBACK_HOST } from './constants';
import { ServicesError } from './errors';
import type { ServicePorts } from './types';

/**
 * True when nothing listens on the port (on loopback or on all interfaces): we can bind it ourselves.
 *
 * @example
 * ```ts
 * if (!(await isPortFree(16379))) throw new Error('taken');
 * ```
 */
export function isPortFree(port: number, host: string = LOOPBACK_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** First port the kernel hands out for outgoing connections; ports below it are never taken by a client. */
function ephemeralRangeStart(): number {
  try {
    const start = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(start) && start > PRIVATE_PORT_FLOOR + 1000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

const PRIVATE_PORT_FLOOR = 20_000;

/** Where {@link freePort} reserves its ports across processes: one file per port holding the owner's pid. */
export const PORT_RESERVATIONS_DIR = join(tmpdir(), 'streambridge-ports');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reserves a port for this process (true when it is now ours): parallel test files each pick ports at random in the same range, and a
 * port that is free now may be another process's pick that its server has not bound yet (or has stopped for
 * a moment, in a restart test). A reservation lasts as long as its process; a dead owner's is taken over.
 */
export function reservePort(port: number): boolean {
  mkdirSync(PORT_RESERVATIONS_DIR, { recursive: true });
  const file = join(PORT_RESERVATIONS_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) return false;
    try {
      unlinkSync(file);
    } catch {
      // Another process took the stale reservation over first; the next write says who won.
    }
  }
  return false;
}

/** Gives back a reservation this process holds (a port that turned out to be taken by a foreign process). */
function releasePort(port: number): void {
  const file = join(PORT_RESERVATIONS_DIR, String(port));
  try {
    if (Number(readFileSync(file, 'utf8')) === process.pid) unlinkSync(file);
  } catch {
    // Already gone: nothing to give back.
  }
}

/**
 * A free loopback port for a private server instance in tests. Picked at random below the kernel's
 * ephemeral range: a port the OS would choose (`listen(0)`) can be taken a moment later by any outgoing
 * connection on this busy machine before the server binds it. Reserved for this process (see {@link reservePort}), so
 * no other streambridge process picks it too; the same process never gets it twice either.
 *
 * @example
 * ```ts
 * const redisPort = await freePort();
 * ```
 */
export async function freePort(): Promise<number> {
  const ceiling = ephemeralRangeStart();
  const taken = new Set<number>(Object.values(DEFAULT_PORTS));
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = PRIVATE_PORT_FLOOR + Math.floor(Math.random() * (ceiling - PRIVATE_PORT_FLOOR));
    // Reserve first, probe second: probing binds the port for a moment, and a port another process has
    // reserved may be between a kill and a restart of its server (the launcher test's restart would then
    // find it taken by our probe).
    if (taken.has(port) || !reservePort(port)) continue;
    if (await isPortFree(port)) return port;
    releasePort(port);
  }
  throw new ServicesError(`no free port found between ${PRIVATE_PORT_FLOOR} and ${ceiling} after 100 tries`);
}

/**
 * Free loopback ports for every server of a private instance (all distinct: {@link freePort} never hands
 * a process the same port twice).
 *
 * @example
 * ```ts
 * await startServices({ stateDir, ports: await freeServicePorts() });
 * ```
 */
export async function freeServicePorts(): Promise<ServicePorts> {
  return {
    kafka: await freePort(),
    kafkaController: await freePort(),
    redis: await freePort(),
    moto: await freePort(),
    kinesis: await freePort(),
    kinesisTls: await freePort(),
    localstack: await freePort(),
  };
}

/** Best-effort name of the process listening on a port (`ss` from iproute2), for a clearer error. */
export function portHolder(port: number): string | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
    });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    return match ? `${match[1]} pid ${match[2]}` : undefined;
  } catch {
    return undefined;
  }
}
