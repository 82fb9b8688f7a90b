import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK_HOST, PORT_ENV_VARS, STARTED_BY, TIMEOUTS } from './constants';
import { MissingPrerequisiteError, PortInUseError, PortMismatchError, ServiceStartError } from './errors';
import { withFileLock } from './fileLock';
import { logFilePath, removePidRecord, runningRecord, writePidRecord } from './pidFiles';
import { pollUntil } from './pollUntil';
import { isPortFree, portHolder } from './portCheck';
import { spawnDetached, stopProcessGroup } from './processControl';
import { resolveServicesConfig } from './resolveServicesConfig';
import { SERVER_DEFINITIONS } from './serverDefinitions';
import type {
  ServerDefinition,
  ServicePorts,
  ServicesConfig,
  StartedByKind,
  StartedService,
  StartOptions,
} from './types';

export function launcherLockFile(config: ServicesConfig): string {
  return join(config.stateDir, 'launcher.lock');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ');
  } catch {
    return '';
  }
}

/** The env var that moves a given port, for the port-in-use message. */
function portEnvVar(config: ServicesConfig, port: number): string {
  const key = (Object.keys(config.ports) as (keyof ServicePorts)[]).find(
    (name) => config.ports[name] === port,
  );
  return key ? PORT_ENV_VARS[key] : 'another port';
}

/** A running server of ours that answers is kept; one that does not answer within the window is stopped. */
async function reuseIfHealthy(
  config: ServicesConfig,
  server: ServerDefinition,
  startedBy: StartedByKind,
): Promise<StartedService | undefined> {
  const began = Date.now();
  const record = runningRecord(config, server.name, server.processMarker);
  if (!record) {
    removePidRecord(config, server.name);
    return undefined;
  }
  const wanted = server.ports(config);
  if (record.ports.join(',') !== wanted.join(','))
    throw new PortMismatchError(server.name, record.ports, wanted);
  const probe = await pollUntil(() => server.probe(config), {
    timeoutMs: TIMEOUTS.reuseProbe,
    intervalMs: TIMEOUTS.pollInterval,
  });
  if (!probe.ok) {
    config.log(`${server.name}: pid ${record.pid} does not answer (${probe.reason}); restarting it`);
    await stopProcessGroup(record.pid, server.stopTimeoutMs);
    removePidRecord(config, server.name);
    return undefined;
  }
  // `services up` adopts a server a test run started, so the test run's teardown leaves it running.
  if (startedBy === STARTED_BY.cli && record.startedBy !== STARTED_BY.cli) {
    writePidRecord(config, { ...record, startedBy });
  }
  config.log(`${server.name}: already running on ${LOOPBACK_HOST}:${record.ports[0]} (pid ${record.pid})`);
  return {
    service: server.name,
    pid: record.pid,
    ports: record.ports,
    reused: true,
    startedBy: startedBy === STARTED_BY.cli ? startedBy : record.startedBy,
    elapsedMs: Date.now() - began,
  };
}

async function checkPortsFree(config: ServicesConfig, servers: ServerDefinition[]): Promise<void> {
  for (const server of servers) {
    for (const port of server.ports(config)) {
      // A server killed a moment ago can hold its port a little longer than its pid lives: its main thread
      // is gone (a zombie) while its other threads still close the files they share. So wait a bounded
      // moment before calling the port taken.
      const free = await pollUntil(
        async () => {
          if (!(await isPortFree(port))) throw new Error(`port ${port} in use`);
        },
        { timeoutMs: TIMEOUTS.portRelease, intervalMs: TIMEOUTS.pollInterval / 4 },
      );
      if (!free.ok) {
        throw new PortInUseError(server.name, port, portEnvVar(config, port), portHolder(port));
      }
    }
  }
}

async function launch(
  config: ServicesConfig,
  server: ServerDefinition,
  startedBy: StartedByKind,
): Promise<StartedService> {
  const began = Date.now();
  const logFile = logFilePath(config, server.name);
  const command = await server.prepare(config);
  const spawned = spawnDetached(command, logFile);
  const ports = server.ports(config);
  writePidRecord(config, {
    service: server.name,
    pid: spawned.pid,
    ports,
    startedAt: new Date().toISOString(),
    startedBy,
    logFile,
    cleanExitRename: command.cleanExitRename,
  });
  const ready = await pollUntil(() => server.probe(config), {
    timeoutMs: server.startTimeoutMs,
    intervalMs: TIMEOUTS.pollInterval,
    abortReason: spawned.exitReason,
  });
  if (!ready.ok) {
    await stopProcessGroup(spawned.pid, TIMEOUTS.afterKill);
    removePidRecord(config, server.name);
    const tail = logTail(logFile);
    throw new ServiceStartError(
      server.name,
      tail ? `${ready.reason}; last log lines: ${tail}` : ready.reason,
      logFile,
    );
  }
  const warmed = server.warm ? await server.warm(config) : undefined;
  const elapsedMs = Date.now() - began;
  config.log(
    `${server.name}: started on ${LOOPBACK_HOST}:${ports[0]} (pid ${spawned.pid}) in ${seconds(elapsedMs)}${warmed ? ` (${warmed})` : ''}`,
  );
  return { service: server.name, pid: spawned.pid, ports, reused: false, startedBy, elapsedMs };
}

/**
 * Starts the selected servers while the caller holds the launcher lock: reuses healthy ones, checks every
 * prerequisite and port before installing or starting anything, then installs and starts the rest in parallel.
 */
export async function startServicesLocked(
  config: ServicesConfig,
  startedBy: StartedByKind,
): Promise<StartedService[]> {
  mkdirSync(config.logDir, { recursive: true });
  const servers = config.services.map((name) => SERVER_DEFINITIONS[name]);
  const reused = await Promise.all(servers.map((server) => reuseIfHealthy(config, server, startedBy)));
  const toStart = servers.filter((_, index) => reused[index] === undefined);
  if (toStart.length > 0) {
    const missing = toStart.flatMap((server) => server.missingPrerequisites(config));
    if (missing.length > 0) throw new MissingPrerequisiteError(missing);
    await checkPortsFree(config, toStart);
    await withFileLock(join(config.cacheDir, 'install.lock'), 'installing servers', config.log, () =>
      Promise.all(toStart.map((server) => server.install(config))),
    );
  }
  if (toStart.length > 0) config.log(`starting ${toStart.map((server) => server.name).join(', ')}`);
  const outcomes = await Promise.allSettled(toStart.map((server) => launch(config, server, startedBy)));
  const failures = outcomes.filter(
    (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
  );
  for (const failure of failures.slice(1)) config.log(String(failure.reason?.message ?? failure.reason));
  if (failures[0]) throw failures[0].reason;
  const started = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<StartedService>).value);
  return servers.map(
    (server) =>
      reused.find((entry) => entry?.service === server.name) ??
      (started.find((entry) => entry.service === server.name) as StartedService),
  );
}

/**
 * Starts the local servers (all four by default) on loopback, or reuses the healthy ones already running.
 * They run detached and outlive the caller; stop them with `stopServices`.
 *
 * @example
 * ```ts
 * // The shared instance on the default ports:
 * await startServices();
 * // A private Redis for a fault test, on its own port and state dir:
 * await startServices({ only: ['redis'], stateDir: '/tmp/fault-redis', ports: { redis: await freePort() } });
 * ```
 */
export async function startServices(options: StartOptions = {}): Promise<StartedService[]> {
  const config = resolveServicesConfig(options);
  return withFileLock(launcherLockFile(config), 'starting servers', config.log, () =>
    startServicesLocked(config, options.startedBy ?? STARTED_BY.api),
  );
}
