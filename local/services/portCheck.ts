import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { LoopbackHost } from './constants';

/**
 * True when nothing listens on the port (on loopback or on all interfaces): we can bind it ourselves.
 *
 * @example
 * ```ts
 * if (!(await isPortFree(16379))) throw new Error('taken');
 * ```
 */
export function isPortFree(port: number, host: string = LoopbackHost): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port the OS reports free right now, for private server instances in tests.
 *
 * @example
 * ```ts
 * const redisPort = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: LoopbackHost }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
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
