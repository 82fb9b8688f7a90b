import { App, type Environment, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { PipelineConfig } from '../config/types';
import { validatePipelineConfig } from '../config/validatePipelineConfig';
import { FEATURE_FLAGS } from './defaults/featureFlags';
import { PipelineBridgesStack } from './PipelineBridgesStack';
import { needsDataStack, PipelineDataStack } from './PipelineDataStack';
import { validateDeploymentConfig } from './validateDeploymentConfig';

/** Context key: `false` lets `cdk destroy` delete the data stack's resources (default: retained). */
export const RETAIN_DATA_CONTEXT = 'streambridge:retainData';
const CROSS_STACK_REFERENCES_CONTEXT = '@aws-cdk/core:defaultCrossStackReferences';

export interface BuildAppOptions {
  /** Build into this app (e.g. one `bin/` created to read its context); default: a new App. */
  readonly app?: App;
  /** Cloud assembly directory of a new App. */
  readonly outdir?: string;
  /** Skip esbuild (template-only synths in tests and tools); the assets are then not the bundles. */
  readonly skipBundling?: boolean;
  /** Keep the data stack's resources when it is deleted. Default: context `streambridge:retainData`, else true. */
  readonly retainData?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation at synth (default true). Its warnings fail the synth, so a
   * template that validates prints none. Tests that synth many variants turn it off for speed.
   */
  readonly cloudFormationValidation?: boolean;
  /** Account/region of both stacks. Default: environment-agnostic. */
  readonly env?: Environment;
}

export interface StreambridgeApp {
  readonly app: App;
  readonly config: PipelineConfig;
  /** Absent when everything stateful exists already (`existing` everywhere): nothing is left to create. */
  readonly data?: PipelineDataStack;
  readonly bridges: PipelineBridgesStack;
}

/**
 * Validates a pipeline config and builds the CDK app for it: `<name>-data` (network, tables, streams, MSK,
 * cache, queues; retained; only what is not declared `existing`, and no such stack when nothing is left)
 * and `<name>-bridges` (the bridge functions, their event source mappings, alarms and dashboard), with
 * cdk-nag's AwsSolutions checks applied. A bad config throws a `ConfigError`
 * naming every bad field before anything is built.
 *
 * @example
 * ```ts
 * const { app, data, bridges } = buildApp(config, { skipBundling: true });
 * const template = app.synth().getStackByName(bridges.stackName).template;
 * ```
 */
export function buildApp(config: unknown, options: BuildAppOptions = {}): StreambridgeApp {
  const valid = validateDeploymentConfig(validatePipelineConfig(config));
  const app =
    options.app ??
    new App({
      ...(options.outdir ? { outdir: options.outdir } : {}),
      builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    });
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
  if (options.skipBundling) app.node.setContext('aws:cdk:bundling-stacks', []);
  // A template CloudFormation's rules flag is a failed synth, not a warning scrolling past.
  app.node.setContext(cxapi.STRICT_CFN_VALIDATE_ERRORS, true);
  // Fn::ImportValue between the stacks: the bridges cannot be left pointing at data resources that are gone,
  // and the template stays in the shape every CloudFormation reader (and the local runtime) knows.
  app.node.setContext(CROSS_STACK_REFERENCES_CONTEXT, 'strong');
  const retainContext = app.node.tryGetContext(RETAIN_DATA_CONTEXT);
  const retainData = options.retainData ?? !(retainContext === false || retainContext === 'false');

  const data = needsDataStack(valid)
    ? new PipelineDataStack(app, `${valid.name}-data`, {
        config: valid,
        retainData,
        description: `streambridge ${valid.name}: network, tables, streams, MSK, cache and failure queues (retained)`,
        ...(options.env ? { env: options.env } : {}),
      })
    : undefined;
  const bridges = new PipelineBridgesStack(app, `${valid.name}-bridges`, {
    config: valid,
    ...(data ? { data } : {}),
    description: `streambridge ${valid.name}: bridge functions, event source mappings, alarms and dashboard`,
    ...(options.env ? { env: options.env } : {}),
  });
  if (data) bridges.addStackDependency(data);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config: valid, ...(data ? { data } : {}), bridges };
}
