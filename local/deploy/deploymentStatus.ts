import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEPLOY_PATHS, RESOURCE_KINDS } from './constants';
import { RESOURCE_DEPLOYERS, serverOperations } from './deployers/resourceDeployers';
import { readDeploymentState } from './deploymentState';
import { NotDeployedError } from './errors';
import { LocalClients } from './LocalClients';
import { localEndpoints } from './localEndpoints';
import type { DeploymentState, LocalEndpoints, ResourceStatus } from './types';

export interface StatusOptions {
  readonly projectDir?: string;
  readonly stateFile?: string;
  /** Default: from the environment, else the services launcher's endpoints. */
  readonly endpoints?: LocalEndpoints;
}

export interface DeploymentStatus {
  readonly state: DeploymentState;
  readonly resources: readonly ResourceStatus[];
}

/**
 * The last local deployment and, for each of its resources, whether it exists on the servers now (tables,
 * streams, topics, queues) or on disk (function code folders).
 *
 * @example
 * ```ts
 * const { resources } = await deploymentStatus();
 * const missing = resources.filter((resource) => !resource.exists);
 * ```
 */
export async function deploymentStatus(options: StatusOptions = {}): Promise<DeploymentStatus> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const stateFile = resolve(projectDir, options.stateFile ?? DEPLOY_PATHS.stateFile);
  const state = readDeploymentState(stateFile);
  if (!state) throw new NotDeployedError(stateFile);
  const clients = new LocalClients(options.endpoints ?? localEndpoints());
  try {
    const resources: ResourceStatus[] = [];
    for (const resource of state.resources) {
      let lookup: { exists: boolean; detail: string };
      try {
        lookup = await serverOperations(RESOURCE_DEPLOYERS, resource.kind).describe(clients, resource.name);
      } catch (error) {
        lookup = {
          exists: false,
          detail: `server unreachable: ${error instanceof Error ? error.message : error}`,
        };
      }
      resources.push({
        kind: resource.kind,
        stackName: resource.stackName,
        logicalId: resource.logicalId,
        name: resource.name,
        ...lookup,
      });
    }
    for (const fn of state.deployment.functions) {
      const exists = existsSync(fn.assetDir);
      resources.push({
        kind: RESOURCE_KINDS.function,
        stackName: '',
        logicalId: fn.logicalId,
        name: fn.functionName,
        exists,
        detail: exists
          ? `${fn.handler} in ${fn.assetDir}`
          : `code folder ${fn.assetDir} is gone: synthesize and deploy again`,
      });
    }
    const functions = new Set(state.deployment.functions.map((fn) => fn.logicalId));
    for (const mapping of state.deployment.eventSourceMappings) {
      const source = mapping.kind === 'kafka' ? `topic ${mapping.topics?.join(', ')}` : mapping.sourceArn;
      resources.push({
        kind: RESOURCE_KINDS.eventSourceMapping,
        stackName: '',
        logicalId: mapping.logicalId,
        name: mapping.logicalId,
        exists: functions.has(mapping.functionLogicalId),
        detail: `${mapping.kind} ${source} → ${mapping.functionLogicalId}${mapping.enabled ? '' : ' (disabled)'}`,
      });
    }
    for (const rule of state.deployment.scheduleRules ?? []) {
      const targets = rule.targets.map((target) => target.functionLogicalId).join(', ');
      resources.push({
        kind: RESOURCE_KINDS.scheduleRule,
        stackName: '',
        logicalId: rule.logicalId,
        name: rule.ruleName,
        exists: rule.targets.every((target) => functions.has(target.functionLogicalId)),
        detail: `${rule.scheduleExpression} → ${targets}${rule.enabled ? '' : ' (disabled)'}`,
      });
    }
    return { state, resources };
  } finally {
    await clients.close();
  }
}
