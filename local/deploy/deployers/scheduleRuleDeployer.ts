import { CFN_TYPES, RESOURCE_KINDS } from '../constants';
import { localScheduleRule } from '../localScheduleRule';
import type { ResourceValues } from '../TemplateResolver';
import { modelChange } from './modelChange';
import type { ResourceDeployer } from './types';

/** `AWS::Events::Rule` with a schedule into the local model: a rule the local runtime fires. */
export const scheduleRuleDeployer: ResourceDeployer = {
  kind: RESOURCE_KINDS.scheduleRule,
  plan(site, context) {
    const { logicalId } = site;
    const { region, accountId } = context.pseudo;
    const result = localScheduleRule({
      stackName: site.stackName,
      logicalId,
      properties: site.properties(),
      region,
      accountId,
      functionFor: (reference) => context.functionFor(reference),
    });
    const fallbackArn = `arn:aws:events:${region}:${accountId}:rule/${site.stackName}-${logicalId}`;
    const arn = result.ok ? result.rule.ruleArn : fallbackArn;
    const values: ResourceValues = {
      type: CFN_TYPES.eventRule,
      ref: result.ok ? result.rule.ruleName : logicalId,
      attributes: { Arn: arn },
    };
    if (!result.ok) return { skipped: result.reason, values };
    const { rule } = result;
    return {
      name: rule.ruleName,
      async apply() {
        context.scheduleRules.push(rule);
        const before = context.previous?.scheduleRules?.find((previous) => previous.logicalId === logicalId);
        const { action, changed } = modelChange(before, rule);
        return { action, detail: `${result.detail}${changed}`, values };
      },
    };
  },
};
