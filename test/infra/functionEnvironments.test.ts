/**
 * No function of any template variant carries a secret's value in its environment: anyone allowed
 * `lambda:GetFunctionConfiguration` would read it. Secrets are named by ARN and read with the function's
 * role (the Redis and SCRAM credentials, the governance salt).
 */
import { describe, expect, it } from 'vitest';
import { type CfnResourceJson, resourcesOf, synthPipeline } from './pipelineTemplates';
import { PIPELINE_VARIANTS, type PipelineVariant } from './pipelineVariants';

/** What a secret value looks like in a template: a dynamic reference, or the value attribute of a secret. */
const SECRET_VALUE = /\{\{resolve:(secretsmanager|ssm-secure):|SecretString/;

describe.each(Object.entries(PIPELINE_VARIANTS) as [string, PipelineVariant][])('%s', (_, variant) => {
  it('puts no secret value in the environment of any function', () => {
    const p = synthPipeline(variant.config, variant.options);
    const functions = [p.dataTemplate, p.bridgesTemplate].flatMap((template) =>
      resourcesOf(template, 'AWS::Lambda::Function'),
    );
    expect(functions.length).toBeGreaterThan(1);
    for (const [id, fn] of functions as [string, CfnResourceJson][]) {
      const variables =
        (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [name, value] of Object.entries(variables)) {
        expect({ id, name, value: JSON.stringify(value) }).not.toEqual(
          expect.objectContaining({ value: expect.stringMatching(SECRET_VALUE) }),
        );
      }
    }
  });
});
