/**
 * A private Redis Cluster on loopback (the Redis sink's cluster tests and benchmark): `redis-server --cluster-enabled yes`
 * nodes on free ports (data and cluster bus), joined with `redis-cli --cluster create … --cluster-replicas
 * 0 --cluster-yes`, ready when every node reports `cluster_state:ok`. Stopped and deleted by `stop()`.
 *
 * @example
 * ```ts
 * const cluster = await startLocalRedisCluster();
 * process.env.REDIS_URL = cluster.url; // redis://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3
 * await cluster.stop();
 * ```
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { pollUntil } from '../pollUntil';
import { freePort } from '../portCheck';

const run = promisify(execFile);

export interface LocalRedisCluster {
  readonly ports: readonly number[];
  /** A REDIS_URL listing every node (cluster mode by the seed list). */
  readonly url: string;
  /** One plain client per node (CLIENT PAUSE / CLIENT KILL / SCAN go to each node). */
  readonly nodeClients: readonly Redis[];
  stop(): Promise<void>;
}

/** `count` free ports, all distinct ({@link freePort} never hands a process the same port twice). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startLocalRedisCluster(nodes = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-cluster-'));
  const allPorts = await freePorts(nodes * 2);
  const ports = allPorts.slice(0, nodes);
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ports.forEach((port, i) => {
      const child = spawn(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--cluster-port',
          String(allPorts[nodes + i]),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    });
    for (const port of ports) {
      clients.push(new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: true }));
    }
    for (const client of clients) client.on('error', () => undefined);
    const up = await pollUntil(
      async () => {
        for (const client of clients) {
          if (client.status !== 'ready') await client.connect().catch(() => undefined);
          await client.ping();
        }
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    if (!up.ok)
      throw new Error(`cluster nodes on ports ${ports.join(', ')} did not answer PING: ${up.reason}`);
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    const ok = await pollUntil(
      async () => {
        for (const client of clients) {
          const info = String(await client.call('CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok')) throw new Error('cluster_state is not ok yet');
        }
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    if (!ok.ok) throw new Error(`the local Redis Cluster did not reach cluster_state:ok: ${ok.reason}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    url: `redis://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    nodeClients: clients,
    stop,
  };
}
