/**
 * The default app on a private set of local servers (own ports, own state dir) for the soak, with the
 * faults it injects: a server crashed (SIGKILL) and restarted on the same data, a server stalled
 * (SIGSTOP, SIGCONT after a while), a function process killed while it runs a batch. Redis keeps an
 * fsynced append-only file (the local stand-in for ElastiCache's durable primary); moto runs with the
 * plan's stream retention. Nothing here touches the shared servers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type RunningDemoPipeline, startDemoPipeline } from '../../local/demo/startDemoPipeline';
import type { ServerProcess } from '../../local/demo/types';
import { localEndpoints } from '../../local/deploy/localEndpoints';
import type { LocalEndpoints } from '../../local/deploy/types';
import {
  freeServicePorts,
  type ServiceName,
  type ServicesOptions,
  serviceEnv,
  servicesStatus,
  startServices,
  stopServices,
} from '../../local/services';
import { MotoSettingEnvVars } from '../../local/services/moto/constants';
import { benchAssembly } from '../endToEnd.bench';
import { BUSY_FUNCTION_WAIT_MS } from './constants';

export interface SoakPipeline {
  readonly endpoints: LocalEndpoints;
  readonly pipeline: RunningDemoPipeline;
  /** The running servers' processes (a restarted server has a new pid). */
  servers(): Promise<ServerProcess[]>;
  /** SIGKILLs a server and starts it again on the same ports and data after `downMs`. */
  crash(name: ServiceName, downMs: number): Promise<string>;
  /** SIGSTOPs a server's process group for `ms`, then SIGCONTs it (also when `signal` aborts first). */
  stall(name: ServiceName, ms: number, signal?: AbortSignal): Promise<string>;
  /** SIGKILLs a function process while it runs a batch (waits a bounded time for one to be busy). */
  killBusyFunction(signal?: AbortSignal): Promise<string>;
  stop(): Promise<void>;
}

export interface SoakPipelineOptions {
  readonly streamRetentionSeconds: number;
  readonly log: (line: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** The run's function and runtime logs, replaced at each run and kept after it (the rest of its directory is removed). */
export const SOAK_LOG_FILE = join('.streambridge', 'logs', 'soak-runtime.log');

export async function startSoakPipeline(options: SoakPipelineOptions): Promise<SoakPipeline> {
  const { log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'sb-soak-'));
  mkdirSync(dirname(SOAK_LOG_FILE), { recursive: true });
  writeFileSync(SOAK_LOG_FILE, '');
  const services: ServicesOptions = {
    stateDir: join(dir, 'state'),
    ports: await freeServicePorts(),
    env: {
      ...process.env,
      STREAMBRIDGE_REDIS_APPENDONLY: 'yes',
      [MotoSettingEnvVars.streamRetentionSeconds]: String(options.streamRetentionSeconds),
    },
    log: (line) => log(`[services] ${line}`),
  };
  const cleanup = async () => {
    await stopServices({ ...services, purge: true });
    rmSync(dir, { recursive: true, force: true });
  };
  await startServices({ ...services, startedBy: 'api' }).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  try {
    const endpoints = localEndpoints({ ...serviceEnv(services) });
    const pipeline = await startDemoPipeline({
      endpoints,
      ...(await benchAssembly(log)),
      stateFile: join(dir, 'deployment.json'),
      logFile: SOAK_LOG_FILE,
      log,
    });
    const pidOf = async (name: ServiceName) => {
      const status = (await servicesStatus({ ...services, only: [name] }))[0];
      if (status?.pid === undefined) throw new Error(`soak: ${name} is not running`);
      return status.pid;
    };
    return {
      endpoints,
      pipeline,
      async servers() {
        const statuses = await servicesStatus(services);
        return statuses.flatMap(({ service, pid }) => (pid === undefined ? [] : [{ service, pid }]));
      },
      async crash(name, downMs) {
        const pid = await pidOf(name);
        await stopServices({ ...services, only: [name], kill: true });
        await sleep(downMs);
        await startServices({ ...services, only: [name], startedBy: 'api' });
        return `${name} pid ${pid} → ${await pidOf(name)}`;
      },
      async stall(name, ms, signal) {
        const pid = await pidOf(name);
        // The servers run detached, each the leader of its own process group: stop every process of it.
        process.kill(-pid, 'SIGSTOP');
        try {
          await sleep(ms, signal);
        } finally {
          process.kill(-pid, 'SIGCONT');
        }
        return `${name} pid ${pid}`;
      },
      async killBusyFunction(signal) {
        const pools = pipeline.deployment.functions.map((fn) => pipeline.runtime.function(fn.logicalId));
        const deadline = Date.now() + BUSY_FUNCTION_WAIT_MS;
        while (Date.now() < deadline && !signal?.aborted) {
          for (const pool of pools) {
            const busy = pool.environments.find((env) => env.busy && env.pid !== undefined);
            if (busy?.pid !== undefined) {
              process.kill(busy.pid, 'SIGKILL');
              return `${pool.function.functionName} pid ${busy.pid}`;
            }
          }
          await sleep(10);
        }
        throw new Error('no function process was busy');
      },
      async stop() {
        await pipeline.stop();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
