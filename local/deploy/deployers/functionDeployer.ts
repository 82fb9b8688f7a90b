import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { localFunction } from '../localFunction';
import type { ResourceValues } from '../TemplateResolver';
import type { DeployContext } from './DeployContext';
import { modelChange } from './modelChange';
import type { ResourceDeployer } from './types';

function functionValues(context: DeployContext, functionName: string): ResourceValues {
  return {
    type: CFN_TYPES.function,
    ref: functionName,
    attributes: { Arn: context.functionArn(functionName) },
  };
}

/** `AWS::Lambda::Function` into the local model: the bundled asset, handler and local environment. */
export const functionDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.function,
  plan(site, context) {
    const properties = site.properties();
    const skip = (reason: string) => {
      const name =
        typeof properties.FunctionName === 'string'
          ? properties.FunctionName
          : `${site.stackName}-${site.logicalId}`;
      return { skipped: reason, values: functionValues(context, name) };
    };
    if (site.customResourceFunctions.has(site.logicalId))
      return skip('backs a custom resource, which runs only inside CloudFormation');
    const result = localFunction({
      stackName: site.stackName,
      logicalId: site.logicalId,
      properties,
      ...(site.resource.Metadata ? { metadata: site.resource.Metadata } : {}),
      assemblyDir: context.assemblyDir,
      assets: site.stack.assets,
      endpoints: context.clients.endpoints,
      inlineCodeDir: context.inlineCodeDir,
    });
    if (!result.ok) return skip(result.reason);
    const { fn } = result;
    return {
      name: fn.functionName,
      async apply() {
        context.functions.push(fn);
        const before = context.previous?.functions.find(
          (previous) => previous.functionName === fn.functionName,
        );
        const { action, changed } = modelChange(before, fn);
        return {
          action,
          detail: `${result.detail}${changed}`,
          values: functionValues(context, fn.functionName),
        };
      },
    };
  },
};
