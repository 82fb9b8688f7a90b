import { withFileLock } from './fileLock';
import { readPidRecord, removePidRecord, runningRecord } from './pidFiles';
import { stopProcessGroup } from './processControl';
import { resolveServicesConfig } from './resolveServicesConfig';
import { serverDefinitions } from './serverDefinitions';
import { launcherLockFile } from './startServices';
import type { PidRecord, ServicesConfig, ServicesOptions, StoppedService } from './types';

/** Stops the selected servers that `which` accepts, while the caller holds the launcher lock. */
export async function stopServicesLocked(
  config: ServicesConfig,
  which: (record: PidRecord) => boolean = () => true,
): Promise<StoppedService[]> {
  const stopped = await Promise.all(
    config.services.map(async (name): Promise<StoppedService | undefined> => {
      const recorded = readPidRecord(config, name);
      if (!recorded || !which(recorded)) return undefined;
      const record = runningRecord(config, name, serverDefinitions[name].processMarker);
      if (!record) {
        removePidRecord(config, name);
        return undefined;
      }
      const killed = await stopProcessGroup(record.pid, serverDefinitions[name].stopTimeoutMs);
      removePidRecord(config, name);
      config.log(`${name}: stopped (pid ${record.pid}${killed ? ', killed after the grace period' : ''})`);
      return { service: name, pid: record.pid, killed };
    }),
  );
  return stopped.filter((entry): entry is StoppedService => entry !== undefined);
}

/**
 * Stops the selected servers (all by default) and their child processes: SIGTERM to the process group,
 * SIGKILL after a bounded wait.
 *
 * @example
 * ```ts
 * await stopServices({ only: ['redis'], stateDir: '/tmp/fault-redis' });
 * ```
 */
export async function stopServices(options: ServicesOptions = {}): Promise<StoppedService[]> {
  const config = resolveServicesConfig(options);
  return withFileLock(launcherLockFile(config), 'stopping servers', config.log, () =>
    stopServicesLocked(config),
  );
}
