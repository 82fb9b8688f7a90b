import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEPLOY_ACTIONS, DEPLOY_PATHS } from './constants';
import { RESOURCE_DEPLOYERS, serverOperations } from './deployers/resourceDeployers';
import { readDeploymentState } from './deploymentState';
import { NotDeployedError } from './errors';
import { LocalClients } from './LocalClients';
import { localEndpoints } from './localEndpoints';
import type { LocalEndpoints, ReportEntry } from './types';

export interface DestroyOptions {
  readonly projectDir?: string;
  readonly stateFile?: string;
  readonly endpoints?: LocalEndpoints;
}

/**
 * Deletes every table, stream, topic and queue of the last local deployment from the servers (retained
 * ones too: local data is disposable) and removes the state file and the checkpoints of the streaming
 * destinations and event source pollers.
 *
 * @example
 * ```ts
 * const report = await destroyDeployment(); // [{ action: 'deleted', name: 'sb-telemetry', … }, …]
 * ```
 */
export async function destroyDeployment(options: DestroyOptions = {}): Promise<ReportEntry[]> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const stateFile = resolve(projectDir, options.stateFile ?? DEPLOY_PATHS.stateFile);
  const state = readDeploymentState(stateFile);
  if (!state) throw new NotDeployedError(stateFile);
  const clients = new LocalClients(options.endpoints ?? localEndpoints());
  const report: ReportEntry[] = [];
  try {
    for (const resource of [...state.resources].reverse()) {
      const existed = await serverOperations(RESOURCE_DEPLOYERS, resource.kind).remove(
        clients,
        resource.name,
      );
      report.push({
        stackName: resource.stackName,
        logicalId: resource.logicalId,
        type: resource.kind,
        kind: resource.kind,
        name: resource.name,
        action: DEPLOY_ACTIONS.deleted,
        detail: existed ? '' : 'already gone',
      });
    }
  } finally {
    await clients.close();
  }
  rmSync(stateFile, { force: true });
  rmSync(resolve(dirname(stateFile), DEPLOY_PATHS.inlineCodeDir), { recursive: true, force: true });
  rmSync(resolve(dirname(stateFile), DEPLOY_PATHS.runtimeCheckpointFile), { force: true });
  rmSync(resolve(dirname(stateFile), DEPLOY_PATHS.checkpointDir), { recursive: true, force: true });
  return report;
}
