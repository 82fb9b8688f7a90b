/**
 * Factories for infra tests: pipeline configs derived from the reference config, and synthesized templates of
 * the data and bridges stacks with helpers to follow the cross-stack references between them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { PipelineConfig } from '../../config/types';
import type { KafkaCluster } from '../../lib/KafkaCluster';
import type { PipelineDataStack } from '../../lib/PipelineDataStack';
import type { StreamingNetwork } from '../../lib/StreamingNetwork';
import { type BuildAppOptions, buildApp, type StreambridgeApp } from '../../lib/streambridgeApp';
import referenceConfig from '../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: test configs are edited freely to break or vary one field
export type LooseConfig = any;

/** A deep copy of the reference pipeline with `mutate` applied. */
export function configWith(mutate: (config: LooseConfig) => void = () => {}): PipelineConfig {
  const copy = structuredClone(referenceConfig) as LooseConfig;
  mutate(copy);
  return copy as PipelineConfig;
}

/** The data stack of a pipeline that creates its network and cluster (every variant but the existing ones). */
export type CreatedPipelineData = PipelineDataStack & {
  readonly network: StreamingNetwork;
  readonly kafka: KafkaCluster;
};

export interface PipelineTemplates extends StreambridgeApp {
  readonly data: CreatedPipelineData;
  readonly dataTemplate: Template;
  readonly bridgesTemplate: Template;
  /** Logical id of a construct's CloudFormation resource in its stack. */
  readonly logicalId: (resource: CfnElement | { node: { defaultChild?: unknown } }) => string;
  /** What an `Fn::ImportValue` of the bridges template points to in the data template (`{ Ref }` or `{ Fn::GetAtt }`). */
  readonly imported: (value: unknown) => unknown;
}

/**
 * Builds and synthesizes a pipeline app without bundling (template-only) and, unless asked, without CDK's
 * CloudFormation validation (the test of the reference pipeline runs it once).
 */
export function synthPipeline(config: unknown, options: BuildAppOptions = {}): PipelineTemplates {
  const built = buildApp(config, {
    skipBundling: true,
    cloudFormationValidation: false,
    outdir: mkdtempSync(join(tmpdir(), 'sb-infra-')),
    ...options,
  });
  if (!built.data) throw new Error('this pipeline has no data stack: use synthBridgesOnly');
  const data = built.data as CreatedPipelineData;
  const dataTemplate = Template.fromStack(data);
  const bridgesTemplate = Template.fromStack(built.bridges);
  const exports = new Map<string, unknown>();
  for (const output of Object.values(dataTemplate.toJSON().Outputs ?? {}) as {
    Value: unknown;
    Export?: { Name: string };
  }[]) {
    if (output.Export) exports.set(output.Export.Name, output.Value);
  }
  return {
    ...built,
    data,
    dataTemplate,
    bridgesTemplate,
    logicalId: (resource) => {
      const element = (
        CfnElement.isCfnElement(resource) ? resource : resource.node.defaultChild
      ) as CfnElement;
      return (element.stack as Stack).getLogicalId(element);
    },
    imported: (value) => {
      const name = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
      if (name === undefined) throw new Error(`not an import: ${JSON.stringify(value)}`);
      if (!exports.has(name)) throw new Error(`no export ${name}`);
      return exports.get(name);
    },
  };
}

/** Builds and synthesizes a pipeline whose stateful resources all exist: its bridges stack alone. */
export function synthBridgesOnly(config: unknown): StreambridgeApp & { readonly bridgesTemplate: Template } {
  const built = buildApp(config, {
    skipBundling: true,
    cloudFormationValidation: false,
    outdir: mkdtempSync(join(tmpdir(), 'sb-infra-')),
  });
  if (built.data) throw new Error(`${built.data.stackName}: expected no data stack`);
  return { ...built, bridgesTemplate: Template.fromStack(built.bridges) };
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The resources of a type, by logical id. */
export function resourcesOf(template: Template, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.findResources(type)) as [string, CfnResourceJson][];
}

/** The Lambda function resource named `name`. */
export function functionNamed(template: Template, name: string): [string, CfnResourceJson] {
  const found = resourcesOf(template, 'AWS::Lambda::Function').find(
    ([, resource]) => resource.Properties.FunctionName === name,
  );
  if (!found) throw new Error(`no function named ${name}`);
  return found;
}

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Statements of the IAM policies attached to a role (by the role's logical id). */
export function roleStatements(template: Template, roleLogicalId: string): PolicyStatementJson[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourceList(statement: PolicyStatementJson): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}
