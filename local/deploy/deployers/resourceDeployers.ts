/** The registry of deployers: which CloudFormation types the local deployer deploys, and how. */
import { CFN_TYPES } from '../constants';
import { LocalDeployError } from '../errors';
import type { ServerResourceKind } from '../types';
import { bucketDeployer } from './bucketDeployer';
import { eventSourceMappingDeployer } from './eventSourceMappingDeployer';
import { functionDeployer } from './functionDeployer';
import { kinesisStreamDeployer } from './kinesisStreamDeployer';
import { placeholderDeployer } from './placeholderDeployer';
import { queueDeployer } from './queueDeployer';
import { scheduleRuleDeployer } from './scheduleRuleDeployer';
import { tableDeployer } from './tableDeployer';
import { topicDeployer } from './topicDeployer';
import type { DeployerRegistry, ResourceDeployer, ServerOperations } from './types';

/** Adding a resource type: one deployer file and one line here. */
export const RESOURCE_DEPLOYERS: DeployerRegistry = new Map<string, ResourceDeployer>([
  [CFN_TYPES.table, tableDeployer],
  [CFN_TYPES.globalTable, tableDeployer],
  [CFN_TYPES.kinesisStream, kinesisStreamDeployer],
  [CFN_TYPES.mskTopic, topicDeployer],
  [CFN_TYPES.queue, queueDeployer],
  [CFN_TYPES.bucket, bucketDeployer],
  [CFN_TYPES.function, functionDeployer],
  [CFN_TYPES.eventSourceMapping, eventSourceMappingDeployer],
  [CFN_TYPES.eventRule, scheduleRuleDeployer],
]);

/**
 * The deployer of a CloudFormation type; a type with none is skipped with the reason it has no local
 * counterpart.
 *
 * @example
 * ```ts
 * deployerFor(RESOURCE_DEPLOYERS, 'AWS::EC2::VPC').kind; // 'other'
 * ```
 */
export function deployerFor(registry: DeployerRegistry, type: string): ResourceDeployer {
  return registry.get(type) ?? placeholderDeployer;
}

/**
 * How a deployed server resource of a kind recorded in the state file is looked up and deleted.
 *
 * @example
 * ```ts
 * await serverOperations(RESOURCE_DEPLOYERS, 'queue').remove(clients, 'dead-letters');
 * ```
 */
export function serverOperations(registry: DeployerRegistry, kind: ServerResourceKind): ServerOperations {
  for (const deployer of registry.values()) if (deployer.server?.kind === kind) return deployer.server;
  throw new LocalDeployError(`no deployer handles the ${kind} resources of the state file`);
}
