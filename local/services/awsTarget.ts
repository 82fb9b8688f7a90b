/**
 * The AWS target switch: which servers serve DynamoDB, DynamoDB Streams, Kinesis, SQS and S3 (the project's
 * moto + kinesis-mock, LocalStack beside moto, an external endpoint, or real AWS), from options or the
 * `STREAMBRIDGE_AWS_*` variables. Kafka and Redis are not part of it: the launcher serves them on every target.
 */
import {
  AWS_SERVICE_SERVERS,
  AWS_SERVICE_TITLES,
  AWS_TARGET_ENV_VARS,
  AWS_TARGETS,
  DEFAULT_AWS_TARGET,
  LOCAL_AWS,
} from './constants';
import { AwsTargetError } from './errors';
import { SERVER_DEFINITIONS } from './serverDefinitions';
import type { AwsService, AwsTarget, AwsTargetName, ServicesOptions } from './types';

function targetName(options: ServicesOptions, env: NodeJS.ProcessEnv): AwsTargetName {
  const raw = options.awsTarget ?? env[AWS_TARGET_ENV_VARS.target]?.trim();
  if (!raw) return DEFAULT_AWS_TARGET;
  if (!(AWS_TARGETS as readonly string[]).includes(raw)) {
    const source = options.awsTarget === undefined ? AWS_TARGET_ENV_VARS.target : 'awsTarget / --aws-target';
    throw new AwsTargetError(`unknown AWS target "${raw}" (${source}); known: ${AWS_TARGETS.join(', ')}`);
  }
  return raw as AwsTargetName;
}

function isHttpUrl(raw: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(raw).protocol);
  } catch {
    return false;
  }
}

function externalEndpoint(options: ServicesOptions, env: NodeJS.ProcessEnv): string | undefined {
  const raw = options.awsEndpoint ?? env[AWS_TARGET_ENV_VARS.endpoint]?.trim();
  if (!raw) return undefined;
  if (!isHttpUrl(raw)) {
    const source =
      options.awsEndpoint === undefined ? AWS_TARGET_ENV_VARS.endpoint : 'awsEndpoint / --aws-endpoint';
    throw new AwsTargetError(`the AWS endpoint (${source}) must be an http(s) URL; got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** The `aws` target's guard: real resources only on an explicit allow, and only in a named region. */
function realAwsRegion(env: NodeJS.ProcessEnv, endpoint: string | undefined): string {
  const problems: string[] = [];
  if (endpoint !== undefined) {
    problems.push(`it uses the real AWS endpoints, so ${AWS_TARGET_ENV_VARS.endpoint} must be unset`);
  }
  // The SDK reads these itself: left over from a local target, they would send real credentials to a local server.
  const leftover = Object.keys(env).filter((name) => name.startsWith('AWS_ENDPOINT_URL') && env[name]);
  if (leftover.length > 0) {
    problems.push(`it uses the real AWS endpoints, so ${leftover.sort().join(', ')} must be unset`);
  }
  if (env[AWS_TARGET_ENV_VARS.allowReal] !== '1') {
    problems.push(
      `it creates resources in a real AWS account, so it needs ${AWS_TARGET_ENV_VARS.allowReal}=1 to say that is meant`,
    );
  }
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (!region) problems.push('it needs a region: set AWS_REGION');
  if (problems.length > 0) {
    throw new AwsTargetError(`${AWS_TARGET_ENV_VARS.target}=aws refused: ${problems.join('; ')}`);
  }
  return region as string;
}

/**
 * Resolves the AWS target: options first, then `STREAMBRIDGE_AWS_TARGET` / `STREAMBRIDGE_AWS_ENDPOINT` /
 * `STREAMBRIDGE_AWS_ALLOW_REAL`, then the default (`moto`).
 *
 * @example
 * ```ts
 * resolveAwsTarget({}, { STREAMBRIDGE_AWS_TARGET: 'localstack' }).servers; // ['moto', 'localstack']
 * resolveAwsTarget({}, { STREAMBRIDGE_AWS_ENDPOINT: 'http://127.0.0.1:4566' }).servers; // []
 * ```
 */
export function resolveAwsTarget(options: ServicesOptions, env: NodeJS.ProcessEnv): AwsTarget {
  const name = targetName(options, env);
  const endpoint = externalEndpoint(options, env);
  if (name === 'aws') {
    return {
      name,
      servers: [],
      servedBy: undefined,
      endpoint: undefined,
      region: realAwsRegion(env, endpoint),
      dummyCredentials: false,
    };
  }
  if (endpoint !== undefined) {
    return {
      name,
      servers: [],
      servedBy: undefined,
      endpoint,
      region: env.AWS_REGION?.trim() || LOCAL_AWS.region,
      dummyCredentials: true,
    };
  }
  const servedBy = AWS_SERVICE_SERVERS[name];
  return {
    name,
    servers: [...new Set(Object.values(servedBy))],
    servedBy,
    endpoint: undefined,
    region: LOCAL_AWS.region,
    dummyCredentials: true,
  };
}

/**
 * A short table of what serves each AWS service, from the endpoint variables a launcher call resolved, so a
 * run (tests, `services up`, `local deploy` / `run`, the demo, the benchmarks) says where it ran.
 *
 * @example
 * ```ts
 * awsTargetSummary(target, serviceEnv());
 * // AWS target localstack
 * //   DynamoDB          moto        http://127.0.0.1:14566
 * //   Kinesis           LocalStack  http://127.0.0.1:14666
 * //   …
 * ```
 */
export function awsTargetSummary(target: AwsTarget, env: Record<string, string>): string {
  const rows = (Object.entries(AWS_SERVICE_TITLES) as [AwsService, string][]).map(([service, title]) => {
    const url = env[`AWS_ENDPOINT_URL_${service}`];
    if (url) {
      return [title, target.servedBy ? SERVER_DEFINITIONS[target.servedBy[service]].title : 'external', url];
    }
    return target.name === 'aws'
      ? [title, 'AWS', `${target.region}, the SDK's endpoint`]
      : [title, 'not served', '-'];
  });
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map(([title, server, where]) =>
    `  ${title.padEnd(widths[0])}  ${server.padEnd(widths[1])}  ${where}`.trimEnd(),
  );
  return [`AWS target ${target.name}`, ...lines].join('\n');
}
