import { RESOURCE_KINDS } from '../constants';
import { placeholderValues, skipReason } from '../skippedResources';
import type { ResourceDeployer } from './types';

/** Every type without a deployer of its own: skipped with the reason, its references given stand-in values. */
export const placeholderDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.other,
  plan(site, context) {
    const type = site.resource.Type;
    return {
      skipped: skipReason(type),
      values: placeholderValues({
        type,
        logicalId: site.logicalId,
        region: context.pseudo.region,
        accountId: context.pseudo.accountId,
        endpoints: context.clients.endpoints,
        property: (name) => site.property(name),
      }),
    };
  },
};
