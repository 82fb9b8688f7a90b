import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LOOPBACK_HOST, TIMEOUTS } from '../constants';
import { ServicesError } from '../errors';
import { findExecutable } from '../findExecutable';
import { serverEnvironment } from '../processControl';
import { runInstallStep } from '../runInstallStep';
import type { ServerDefinition, ServicesConfig } from '../types';

const isRoot = () => process.getuid?.() === 0;

/**
 * Installs Debian's redis-server as root, non-interactively. RUNLEVEL=1 keeps the package's own init script
 * from starting a system redis on 6379 (it would not be used anyway: ours runs on its own port).
 */
async function installRedis(config: ServicesConfig): Promise<void> {
  if (findExecutable('redis-server', config.env)) return;
  const aptGet = findExecutable('apt-get', config.env);
  if (!aptGet) throw new ServicesError('redis: redis-server is missing and apt-get is not available');
  const env = { ...serverEnvironment(config.env), DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  config.log('redis: installing redis-server from Debian packages (first run only)');
  await runInstallStep({ label: 'redis', file: aptGet, args: ['update'], env, log: config.log });
  await runInstallStep({
    label: 'redis',
    file: aptGet,
    // Waits for a dpkg lock held by another apt run instead of failing at once.
    args: [
      '-o',
      'DPkg::Lock::Timeout=300',
      'install',
      '-y',
      '--no-install-recommends',
      'redis-server',
      'redis-tools',
    ],
    env,
    log: config.log,
  });
  if (!findExecutable('redis-server', config.env)) {
    throw new ServicesError('redis: apt-get installed redis-server but it is not on PATH');
  }
}

/** Debian's redis-server, in memory only (no RDB or AOF), in the foreground so the launcher owns it. */
export const redisServer: ServerDefinition = {
  name: 'redis',
  title: 'Redis',
  processMarker: 'redis-server',
  startTimeoutMs: TIMEOUTS.startOther,
  stopTimeoutMs: TIMEOUTS.stopOther,

  ports: (config) => [config.ports.redis],

  missingPrerequisites(config) {
    if (findExecutable('redis-server', config.env)) return [];
    if (isRoot() && findExecutable('apt-get', config.env)) return [];
    return [
      {
        name: 'redis-server',
        hint: 'install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu) or put it on PATH',
      },
    ];
  },

  install: (config) => installRedis(config),

  async prepare(config) {
    const dir = join(config.stateDir, 'redis');
    mkdirSync(dir, { recursive: true });
    return {
      file: findExecutable('redis-server', config.env) as string,
      args: [
        '--bind',
        LOOPBACK_HOST,
        '--port',
        String(config.ports.redis),
        '--save',
        '',
        // STREAMBRIDGE_REDIS_APPENDONLY=yes: an fsync-always AOF, so a killed server restarts with its
        // data (fault tests model ElastiCache's durable primary/replica this way).
        ...(config.env.STREAMBRIDGE_REDIS_APPENDONLY === 'yes'
          ? ['--appendonly', 'yes', '--appendfsync', 'always']
          : ['--appendonly', 'no']),
        '--daemonize',
        'no',
        '--dir',
        dir,
      ],
      cwd: dir,
      env: serverEnvironment(config.env),
    };
  },

  async probe(config) {
    const client = new Redis({
      host: LOOPBACK_HOST,
      port: config.ports.redis,
      lazyConnect: true,
      connectTimeout: TIMEOUTS.probeAttempt,
      commandTimeout: TIMEOUTS.probeAttempt,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // Connection errors surface through connect(); the event would otherwise be logged as unhandled.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const reply = await client.ping();
      if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
    } finally {
      client.disconnect();
    }
  },
};
