import { CFN_TYPES } from './constants';
import type { CfnTemplate, CfnValue } from './types';

function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === CFN_TYPES.customResource;
}

/**
 * The Lambda functions that exist only to serve custom resources: those named by a custom resource's
 * `ServiceToken`, and the functions those reach through their properties (the CDK provider framework's
 * onEvent function names the user handler in its environment). They run inside CloudFormation, so the
 * local runtime does not run them.
 *
 * @example
 * ```ts
 * customResourceFunctions(template, (value) => resolver.references(value)); // Set { 'AWS679f53fac002430cb0da5b7982bd2287' }
 * ```
 */
export function customResourceFunctions(
  template: CfnTemplate,
  references: (value: CfnValue) => Set<string>,
): Set<string> {
  const resources = template.Resources ?? {};
  const found = new Set<string>();
  const pending: string[] = [];
  for (const resource of Object.values(resources)) {
    if (isCustomResource(resource.Type)) pending.push(...references(resource.Properties?.ServiceToken));
  }
  const visited = new Set<string>();
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (visited.has(id)) continue;
    visited.add(id);
    const resource = resources[id];
    if (!resource) continue;
    if (resource.Type === CFN_TYPES.function) found.add(id);
    if (resource.Type === CFN_TYPES.function || resource.Type === 'AWS::StepFunctions::StateMachine') {
      pending.push(...references(resource.Properties));
    }
  }
  return found;
}
