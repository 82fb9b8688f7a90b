import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { localEventSourceMapping } from '../localEventSourceMapping';
import type { ResourceValues } from '../TemplateResolver';
import { modelChange } from './modelChange';
import type { ResourceDeployer } from './types';

/** `AWS::Lambda::EventSourceMapping` into the local model: a poller the local runtime runs. */
export const eventSourceMappingDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.eventSourceMapping,
  plan(site, context) {
    const { logicalId } = site;
    const { region, accountId } = context.pseudo;
    const values: ResourceValues = {
      type: CFN_TYPES.eventSourceMapping,
      ref: logicalId,
      attributes: {
        EventSourceMappingId: logicalId,
        EventSourceMappingArn: `arn:aws:lambda:${region}:${accountId}:event-source-mapping:${logicalId}`,
      },
    };
    const result = localEventSourceMapping({
      stackName: site.stackName,
      logicalId,
      properties: site.properties(),
      functionFor: (reference) => context.functionFor(reference),
      sourceFor: (arn) => context.sourceFor(arn),
      queueUrlFor: (arn) => context.queueUrlFor(arn),
      bucketNameFor: (arn) => context.bucketNameFor(arn),
    });
    if (!result.ok) return { skipped: result.reason, values };
    const { mapping } = result;
    return {
      name: logicalId,
      async apply() {
        context.eventSourceMappings.push(mapping);
        const before = context.previous?.eventSourceMappings.find(
          (previous) => previous.logicalId === logicalId,
        );
        const { action, changed } = modelChange(before, mapping);
        return { action, detail: `${result.detail}${changed}`, values };
      },
    };
  },
};
