/**
 * An `AWS::Events::Rule` into the local model: a rule with a `ScheduleExpression` (checked with
 * EventBridge's grammar) and its function targets, which the local runtime fires. Rules matching an event
 * pattern have no local event bus to match on and are skipped with that reason.
 */

import { ScheduleExpressionError } from '../runtime/schedules/errors';
import { parseScheduleExpression } from '../runtime/schedules/scheduleExpression';
import type { LocalFunction, LocalScheduleRule, LocalScheduleTarget } from '../runtime/types';
import { TemplateError } from './errors';

export interface ScheduleRuleSite {
  readonly stackName: string;
  readonly logicalId: string;
  /** Resolved properties of the `AWS::Events::Rule`. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly accountId: string;
  /** The deployed function a target `Arn` (function ARN, possibly qualified) names. */
  readonly functionFor: (reference: string) => LocalFunction | undefined;
}

export type ScheduleRuleResult =
  | { readonly ok: true; readonly rule: LocalScheduleRule; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(site: ScheduleRuleSite, path: string, problem: string): never {
  throw new TemplateError(site.stackName, site.logicalId, path, problem);
}

function optionalText(site: ScheduleRuleSite, value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(site, path, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Without a `Name`, CloudFormation names a rule `<stack>-<logical id>-<suffix>`, at most 64 characters. */
function ruleName(site: ScheduleRuleSite): string {
  const name = optionalText(site, site.properties.Name, 'Name');
  return name ?? `${site.stackName}-${site.logicalId}`.slice(0, 64);
}

function target(site: ScheduleRuleSite, value: unknown, index: number): LocalScheduleTarget | string {
  const path = `Targets[${index}]`;
  if (!isObject(value)) fail(site, path, 'must be an object');
  const id = optionalText(site, value.Id, `${path}.Id`) ?? String(index);
  const arn = optionalText(site, value.Arn, `${path}.Arn`) ?? fail(site, `${path}.Arn`, 'is required');
  const fn = site.functionFor(arn);
  if (!fn) return `target ${id} (${arn}) is not a deployed function; only function targets run locally`;
  const input = optionalText(site, value.Input, `${path}.Input`);
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      fail(site, `${path}.Input`, 'must be valid JSON text');
    }
  }
  const inputPath = optionalText(site, value.InputPath, `${path}.InputPath`);
  let inputTransformer: LocalScheduleTarget['inputTransformer'];
  if (value.InputTransformer !== undefined) {
    const transformer = value.InputTransformer;
    if (!isObject(transformer)) fail(site, `${path}.InputTransformer`, 'must be an object');
    const template =
      optionalText(site, transformer.InputTemplate, `${path}.InputTransformer.InputTemplate`) ??
      fail(site, `${path}.InputTransformer.InputTemplate`, 'is required');
    const paths = transformer.InputPathsMap ?? {};
    if (!isObject(paths) || Object.values(paths).some((entry) => typeof entry !== 'string')) {
      fail(site, `${path}.InputTransformer.InputPathsMap`, 'must map names to JSON paths');
    }
    inputTransformer = { inputPathsMap: paths as Record<string, string>, inputTemplate: template };
  }
  if ([input, inputPath, inputTransformer].filter((setting) => setting !== undefined).length > 1) {
    fail(site, path, 'Input, InputPath and InputTransformer exclude each other');
  }
  return {
    id,
    functionLogicalId: fn.logicalId,
    ...(input !== undefined ? { input } : {}),
    ...(inputPath !== undefined ? { inputPath } : {}),
    ...(inputTransformer ? { inputTransformer } : {}),
  };
}

/**
 * The local scheduled rule of a resolved `AWS::Events::Rule`, or why it is not run locally.
 *
 * @example
 * ```ts
 * localScheduleRule({ stackName, logicalId, properties: { ScheduleExpression: 'rate(1 minute)', Targets: [...] }, ... });
 * // { ok: true, rule: { ruleName, ruleArn, scheduleExpression: 'rate(1 minute)', targets: [...] }, detail: 'rate(1 minute) → 1 function' }
 * ```
 */
export function localScheduleRule(site: ScheduleRuleSite): ScheduleRuleResult {
  const expression = optionalText(site, site.properties.ScheduleExpression, 'ScheduleExpression');
  if (expression === undefined) {
    return { ok: false, reason: 'event-pattern rules need an event bus, which has no local stand-in' };
  }
  try {
    parseScheduleExpression(expression);
  } catch (error) {
    if (error instanceof ScheduleExpressionError) fail(site, 'ScheduleExpression', error.message);
    throw error;
  }
  const targetList = site.properties.Targets ?? [];
  if (!Array.isArray(targetList)) fail(site, 'Targets', 'must be a list');
  const targets: LocalScheduleTarget[] = [];
  const notRun: string[] = [];
  targetList.forEach((value, index) => {
    const result = target(site, value, index);
    if (typeof result === 'string') notRun.push(result);
    else targets.push(result);
  });
  if (targets.length === 0) {
    return { ok: false, reason: notRun.join('; ') || 'the rule has no targets' };
  }
  const state = optionalText(site, site.properties.State, 'State') ?? 'ENABLED';
  const name = ruleName(site);
  const rule: LocalScheduleRule = {
    logicalId: site.logicalId,
    ruleName: name,
    ruleArn: `arn:aws:events:${site.region}:${site.accountId}:rule/${name}`,
    scheduleExpression: expression,
    enabled: state === 'ENABLED',
    targets,
  };
  const functions = `${targets.length} function${targets.length === 1 ? '' : 's'}`;
  const skipped = notRun.length > 0 ? `; ${notRun.join('; ')}` : '';
  return {
    ok: true,
    rule,
    detail: `${expression} → ${functions}${rule.enabled ? '' : ', disabled'}${skipped}`,
  };
}
