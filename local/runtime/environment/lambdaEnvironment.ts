import { randomBytes } from 'node:crypto';
import type { LocalFunction } from '../types';
import { ENVIRONMENT_DEFAULTS, INHERITED_ENV_PATTERN } from './constants';

/** Names and ARNs of one function as Lambda would report them. */
export interface FunctionIdentity {
  readonly functionArn: string;
  readonly logGroupName: string;
  readonly region: string;
  readonly accountId: string;
}

export function functionIdentity(fn: LocalFunction, region: string, accountId: string): FunctionIdentity {
  return {
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.functionName}`,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    region,
    accountId,
  };
}

/** A log stream name per execution environment, in Lambda's `yyyy/mm/dd/[$LATEST]id` form. */
export function logStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The endpoint, region and credential variables of `env` that functions inherit by default. */
export function inheritedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && INHERITED_ENV_PATTERN.test(name)) picked[name] = value;
  }
  return picked;
}

/**
 * The environment of a function's process: the base variables (local endpoints, credentials), then the
 * template's variables, then Lambda's reserved runtime variables, which a function cannot override
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Nothing else of the parent process leaks in (no NODE_OPTIONS loaders, no test-runner variables).
 *
 * @example
 * ```ts
 * const env = lambdaEnvironment(fn, { baseEnv: { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:14566' }, region: 'us-east-1', logStream });
 * ```
 */
export function lambdaEnvironment(
  fn: LocalFunction,
  options: { baseEnv: Readonly<Record<string, string>>; region: string; logStream: string },
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...options.baseEnv,
    ...fn.environment,
    _HANDLER: fn.handler,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${ENVIRONMENT_DEFAULTS.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStream,
    LAMBDA_TASK_ROOT: fn.assetDir,
  };
}
