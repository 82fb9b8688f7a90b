import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsTargetSummary } from './awsTarget';
import { SERVICE_NAMES, STARTED_BY } from './constants';
import { withFileLock } from './fileLock';
import { isAlive } from './processControl';
import { resolveServicesConfig } from './resolveServicesConfig';
import { serviceEnv } from './serviceEnv';
import { launcherLockFile, startServicesLocked } from './startServices';
import { stopServicesLocked } from './stopServices';
import type { ServicesConfig, ServicesOptions, StartedService, StoppedService } from './types';

export interface AcquireOptions extends ServicesOptions {
  /** Leave the servers running on release (e.g. to rerun tests quickly). */
  keepRunning?: boolean;
}

/** A test run's hold on the servers. */
export interface ServicesLease {
  env: Record<string, string>;
  started: StartedService[];
  /** Drops the hold; the last holder stops every server that holders started (never ones the CLI started). */
  release(): Promise<StoppedService[]>;
}

function leaseDir(config: ServicesConfig): string {
  return join(config.stateDir, 'leases');
}

/** Holders still alive; leases of dead processes (a killed test run) are removed. */
function liveLeases(config: ServicesConfig): string[] {
  const dir = leaseDir(config);
  const live: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const pid = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(pid) && isAlive(pid)) live.push(file);
    else rmSync(file, { force: true });
  }
  return live;
}

/**
 * Brings the servers up for a test run (reusing running ones) and holds them until `release`. Concurrent
 * test runs share the servers: only the last one to release stops them, and only those a test run started.
 *
 * @example
 * ```ts
 * const lease = await acquireServices();
 * Object.assign(process.env, lease.env);
 * // … run tests …
 * await lease.release();
 * ```
 */
export async function acquireServices(options: AcquireOptions = {}): Promise<ServicesLease> {
  const config = resolveServicesConfig(options);
  mkdirSync(leaseDir(config), { recursive: true });
  const leaseFile = join(leaseDir(config), `${process.pid}-${randomUUID()}`);
  writeFileSync(leaseFile, String(process.pid));
  const lock = launcherLockFile(config);
  let started: StartedService[];
  try {
    started = await withFileLock(lock, 'starting servers', config.log, () =>
      startServicesLocked(config, STARTED_BY.lease),
    );
  } catch (error) {
    rmSync(leaseFile, { force: true });
    throw error;
  }
  const env = serviceEnv(options);
  config.log(awsTargetSummary(config.awsTarget, env));
  return {
    env,
    started,
    async release() {
      rmSync(leaseFile, { force: true });
      if (options.keepRunning) return [];
      return withFileLock(lock, 'stopping servers', config.log, async () => {
        if (liveLeases(config).length > 0) return [];
        // Every server a lease started, whatever target or `only` that lease had (two test projects on two
        // targets share Kafka and Redis; the last to release also stops the other one's AWS servers).
        const everyServer = resolveServicesConfig({ ...options, only: SERVICE_NAMES });
        return stopServicesLocked(everyServer, (record) => record.startedBy === STARTED_BY.lease);
      });
    },
  };
}
