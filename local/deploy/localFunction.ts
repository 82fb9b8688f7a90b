import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HANDLER_ENV } from '../../lambdas/core/constants';
import type { LocalFunction } from '../runtime/types';
import { FUNCTION_DEFAULTS } from './constants';
import { replaceDynamicReferences } from './dynamicReferences';
import { TemplateError } from './errors';
import { awsClientEnvironment } from './localEndpoints';
import { generatedName } from './resourceSpecs';
import type { AssetSource, LocalEndpoints } from './types';

export interface FunctionSite {
  readonly stackName: string;
  readonly logicalId: string;
  /** Resolved properties of the `AWS::Lambda::Function`. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly assemblyDir: string;
  readonly assets: ReadonlyMap<string, AssetSource>;
  readonly endpoints: LocalEndpoints;
  /** Where inline (`ZipFile`) code is written. */
  readonly inlineCodeDir: string;
}

export type FunctionResult =
  | { readonly ok: true; readonly fn: LocalFunction; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

/** What a template's own functions may name their MSK cluster by (the handlers read only `KAFKA_BROKERS`). */
const MSK_CLUSTER_ARN = 'MSK_CLUSTER_ARN';
const KAFKA_VARIABLES = [HANDLER_ENV.kafkaBrokers, MSK_CLUSTER_ARN];
const REDIS_VARIABLES = [
  HANDLER_ENV.redisUrl,
  HANDLER_ENV.redisHost,
  HANDLER_ENV.redisPort,
  HANDLER_ENV.redisSecretArn,
];

/**
 * Rewrites a function's template environment for the local servers, following the `HANDLER_ENV` contract:
 * the MSK cluster becomes the local broker (`KAFKA_BROKERS`, `KAFKA_AUTH=plaintext`, no cluster ARN or SCRAM
 * secret); the ElastiCache endpoint becomes the local redis-server (`REDIS_URL`, no TLS, no secret, no
 * cluster mode); the governance salt secret becomes a stable local salt; the AWS SDK endpoints, region and
 * dummy credentials are added.
 *
 * @example
 * ```ts
 * localEnvironment({ MSK_CLUSTER_ARN: 'arn:…', KAFKA_AUTH: 'iam' }, endpoints, 'bridge');
 * // { KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_AUTH: 'plaintext', AWS_ENDPOINT_URL_DYNAMODB: …, … }
 * ```
 */
export function localEnvironment(
  template: Readonly<Record<string, string>>,
  endpoints: LocalEndpoints,
  functionName: string,
): Record<string, string> {
  const env: Record<string, string> = { ...template };
  if (KAFKA_VARIABLES.some((name) => name in env)) {
    delete env[MSK_CLUSTER_ARN];
    delete env[HANDLER_ENV.kafkaScramSecretArn];
    env[HANDLER_ENV.kafkaBrokers] = endpoints.kafkaBrokers;
    env[HANDLER_ENV.kafkaAuth] = 'plaintext';
  }
  const saltSecret = env[HANDLER_ENV.governanceHashSaltSecretArn];
  if (saltSecret !== undefined) {
    // No secret is deployed locally: the salt is the secret's stable local stand-in.
    delete env[HANDLER_ENV.governanceHashSaltSecretArn];
    env[HANDLER_ENV.governanceHashSalt] = replaceDynamicReferences(
      `{{resolve:secretsmanager:${saltSecret}}}`,
    ).value;
  }
  if (REDIS_VARIABLES.some((name) => name in env)) {
    delete env[HANDLER_ENV.redisHost];
    delete env[HANDLER_ENV.redisPort];
    delete env[HANDLER_ENV.redisSecretArn];
    env[HANDLER_ENV.redisUrl] = endpoints.redisUrl;
    env[HANDLER_ENV.redisTls] = 'false';
    // The local redis-server is a single standalone node.
    if (HANDLER_ENV.redisClusterMode in env) env[HANDLER_ENV.redisClusterMode] = 'false';
  }
  return { ...env, ...awsClientEnvironment(endpoints), [HANDLER_ENV.functionName]: functionName };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The folder holding the function's code: its bundled asset in the assembly, or its inline code written out. */
function codeDir(site: FunctionSite, functionName: string): { dir: string } | { reason: string } {
  const code = isObject(site.properties.Code) ? site.properties.Code : {};
  if (typeof code.ZipFile === 'string') {
    const dir = join(site.inlineCodeDir, site.stackName, site.logicalId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), code.ZipFile);
    return { dir };
  }
  if (code.ImageUri !== undefined) return { reason: 'container image functions need Docker' };
  const asset = typeof code.S3Key === 'string' ? site.assets.get(code.S3Key) : undefined;
  const metadataPath = site.metadata?.['aws:asset:path'];
  const path =
    asset?.path ?? (typeof metadataPath === 'string' ? resolve(site.assemblyDir, metadataPath) : undefined);
  if (!path) {
    return {
      reason: `code of ${functionName} is not an asset of this cloud assembly (S3Key ${String(code.S3Key)})`,
    };
  }
  if (asset && asset.packaging !== 'zip') {
    return { reason: `code asset ${asset.path} is a ${asset.packaging} asset, not a bundled folder` };
  }
  return { dir: path };
}

/** Positive number property or its default. */
function positive(site: FunctionSite, name: string, fallback: number): number {
  const value = site.properties[name];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new TemplateError(
      site.stackName,
      site.logicalId,
      name,
      `must be a positive number, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/**
 * Reads an `AWS::Lambda::Function` into the local runtime's model: its code folder in the assembly, handler,
 * timeout, memory and environment rewritten for the local servers. Functions that cannot run locally
 * (not Node.js, container images) come back with the reason.
 *
 * @example
 * ```ts
 * const result = localFunction(site);
 * if (result.ok) console.log(result.fn.assetDir, result.fn.environment.KAFKA_BROKERS);
 * ```
 */
export function localFunction(site: FunctionSite): FunctionResult {
  const props = site.properties;
  const functionName =
    typeof props.FunctionName === 'string'
      ? props.FunctionName
      : generatedName(site.stackName, site.logicalId, 64);
  if (props.PackageType === 'Image') return { ok: false, reason: 'container image functions need Docker' };
  const runtime = typeof props.Runtime === 'string' ? props.Runtime : '';
  if (!runtime.startsWith('nodejs')) {
    return {
      ok: false,
      reason: `runtime ${runtime || '(none)'} cannot run locally: only Node.js functions do`,
    };
  }
  if (typeof props.Handler !== 'string' || !props.Handler.includes('.')) {
    throw new TemplateError(
      site.stackName,
      site.logicalId,
      'Handler',
      'must be "<file>.<export>", e.g. index.handler',
    );
  }
  const code = codeDir(site, functionName);
  if ('reason' in code) return { ok: false, reason: code.reason };
  const variables =
    isObject(props.Environment) && isObject(props.Environment.Variables) ? props.Environment.Variables : {};
  const dynamic: string[] = [];
  const template = Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      const { value: local, replaced } = replaceDynamicReferences(String(value));
      if (replaced.length > 0) dynamic.push(name);
      return [name, local];
    }),
  );
  const fn: LocalFunction = {
    logicalId: site.logicalId,
    functionName,
    assetDir: code.dir,
    handler: props.Handler,
    environment: localEnvironment(template, site.endpoints, functionName),
    timeoutSeconds: positive(site, 'Timeout', FUNCTION_DEFAULTS.timeoutSeconds),
    memoryMb: positive(site, 'MemorySize', FUNCTION_DEFAULTS.memoryMb),
  };
  const standIns =
    dynamic.length > 0 ? `; local stand-in for the dynamic reference in ${dynamic.join(', ')}` : '';
  return {
    ok: true,
    fn,
    detail: `${runtime} ${fn.handler}, ${fn.timeoutSeconds} s, ${fn.memoryMb} MB${standIns}`,
  };
}
