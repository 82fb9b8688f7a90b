import { SynthError } from './errors';
import type { CfnTemplate, CfnValue } from './types';

/**
 * The template's resources in an order where each comes after every resource it refers to (`Ref`,
 * `Fn::GetAtt`, `Fn::Sub`) or names in `DependsOn`, as CloudFormation creates them. Ties keep template order.
 *
 * @example
 * ```ts
 * orderResources('stateful', template, (value) => resolver.references(value)); // ['Stream', 'Table', …]
 * ```
 */
export function orderResources(
  stackName: string,
  template: CfnTemplate,
  references: (value: CfnValue) => Set<string>,
): string[] {
  const resources = template.Resources ?? {};
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, chain: readonly string[]): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new SynthError(
        `stack ${stackName}: resources depend on each other in a cycle: ${[...chain, id].join(' → ')}`,
      );
    }
    state.set(id, 'visiting');
    const resource = resources[id];
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    const dependencies = new Set([...references(resource.Properties), ...dependsOn]);
    for (const dependency of dependencies) {
      if (dependency !== id && resources[dependency]) visit(dependency, [...chain, id]);
    }
    state.set(id, 'done');
    ordered.push(id);
  };
  for (const id of Object.keys(resources)) visit(id, []);
  return ordered;
}
