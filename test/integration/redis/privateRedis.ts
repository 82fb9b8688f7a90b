/**
 * A private redis-server for fault tests, started through the services module on its own port and state
 * directory (never the shared instance): tests may stop, restart, pause or kill its clients.
 *
 * @example
 * ```ts
 * const redis = await startPrivateRedis();
 * await redis.stop({ keepData: true }); // SIGTERM; the data is saved first and loaded on start
 * await redis.start();
 * await redis.dispose();
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { ServicesOptions } from '../../../local/services';
import { freePort, startServices, stopServices } from '../../../local/services';

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** Stops the server; with `keepData` it saves an RDB snapshot first, which the next start loads. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Stops the server and deletes its state directory. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sb-private-redis-'));
  const port = await freePort();
  const options: ServicesOptions = {
    only: ['redis'],
    stateDir,
    ports: { redis: port },
    log: () => undefined,
  };
  const url = `redis://127.0.0.1:${port}`;
  const handle: PrivateRedis = {
    port,
    url,
    start: async () => {
      await startServices(options);
    },
    stop: async ({ keepData = false } = {}) => {
      if (keepData) {
        // The server runs without save points; with one configured, SIGTERM saves before exiting.
        const admin = new Redis(url, { maxRetriesPerRequest: 1 });
        try {
          await admin.config('SET', 'save', '3600 1');
        } finally {
          admin.disconnect();
        }
      }
      await stopServices(options);
    },
    dispose: async () => {
      await stopServices(options);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
