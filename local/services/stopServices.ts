import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES } from './constants';
import { withFileLock } from './fileLock';
import { readPidRecord, removePidRecord, runningRecord } from './pidFiles';
import { stopProcessGroup } from './processControl';
import { resolveServicesConfig } from './resolveServicesConfig';
import { SERVER_DEFINITIONS } from './serverDefinitions';
import { launcherLockFile } from './startServices';
import type { PidRecord, ServicesConfig, StopOptions, StoppedService } from './types';

/** Stops the selected servers that `which` accepts, while the caller holds the launcher lock. */
export async function stopServicesLocked(
  config: ServicesConfig,
  which: (record: PidRecord) => boolean = () => true,
  kill = false,
): Promise<StoppedService[]> {
  const stopped = await Promise.all(
    config.services.map(async (name): Promise<StoppedService | undefined> => {
      const recorded = readPidRecord(config, name);
      if (!recorded || !which(recorded)) return undefined;
      const record = runningRecord(config, name, SERVER_DEFINITIONS[name].processMarker);
      if (!record) {
        removePidRecord(config, name);
        return undefined;
      }
      const killed = await stopProcessGroup(record.pid, kill ? 0 : SERVER_DEFINITIONS[name].stopTimeoutMs);
      removePidRecord(config, name);
      const rename = record.cleanExitRename;
      if (!killed && rename && existsSync(rename.from)) renameSync(rename.from, rename.to);
      config.log(
        `${name}: stopped (pid ${record.pid}${killed ? (kill ? ', killed' : ', killed after the grace period') : ''})`,
      );
      return { service: name, pid: record.pid, killed };
    }),
  );
  return stopped.filter((entry): entry is StoppedService => entry !== undefined);
}

/**
 * Stops the selected servers (by default every server that runs, whatever the AWS target) and their child
 * processes: SIGTERM to the process group, SIGKILL after a bounded wait. `kill: true` sends SIGKILL at once
 * (a crash, for fault tests); `purge: true` also deletes their on-disk data (Kafka logs and metadata, Redis
 * dir, LocalStack's filesystem root) so the next start is a fresh one.
 *
 * @example
 * ```ts
 * await stopServices({ only: ['kafka'], stateDir: '/tmp/fault-kafka', kill: true }); // broker crash
 * await startServices({ only: ['kafka'], stateDir: '/tmp/fault-kafka' }); // restart, same data
 * ```
 */
export async function stopServices(options: StopOptions = {}): Promise<StoppedService[]> {
  // A server started under another AWS target is stopped too: `down` leaves nothing behind.
  const only = options.only && options.only.length > 0 ? options.only : SERVICE_NAMES;
  const config = resolveServicesConfig({ ...options, only });
  return withFileLock(launcherLockFile(config), 'stopping servers', config.log, async () => {
    const stopped = await stopServicesLocked(config, () => true, options.kill === true);
    if (options.purge) {
      for (const name of config.services)
        rmSync(join(config.stateDir, name), { recursive: true, force: true });
      config.log(`purged the data of ${config.services.join(', ')} in ${config.stateDir}`);
    }
    return stopped;
  });
}
