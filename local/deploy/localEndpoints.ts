import { AWS_TARGET_ENV_VARS, awsTargetSummary, resolveServicesConfig, serviceEnv } from '../services';
import type { LocalEndpoints } from './types';

/**
 * The servers' endpoints: from the environment (`KAFKA_BROKERS`, `REDIS_URL`, `AWS_ENDPOINT_URL_*`,
 * `AWS_REGION`, credentials), else the services launcher's defaults for the running or configured servers.
 * On the `aws` target every AWS endpoint and both keys are undefined: the SDK then uses the real endpoints
 * of the region and its default credential chain.
 *
 * @example
 * ```ts
 * const endpoints = localEndpoints(); // { kafkaBrokers: '127.0.0.1:19092', dynamodb: 'http://127.0.0.1:14566', … }
 * ```
 */
export function localEndpoints(env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  const defaults = serviceEnv({ env });
  const realAws = defaults[AWS_TARGET_ENV_VARS.target] === 'aws';
  const endpoint = (...names: string[]): string | undefined => {
    if (realAws) return undefined;
    const set = names.map((name) => env[name]).find(Boolean);
    return set || env.AWS_ENDPOINT_URL || defaults[names[0]];
  };
  return {
    kafkaBrokers: env.KAFKA_BROKERS || defaults.KAFKA_BROKERS,
    redisUrl: env.REDIS_URL || defaults.REDIS_URL,
    dynamodb: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
    dynamodbStreams: endpoint('AWS_ENDPOINT_URL_DYNAMODB_STREAMS', 'AWS_ENDPOINT_URL_DYNAMODB'),
    sqs: endpoint('AWS_ENDPOINT_URL_SQS'),
    sns: endpoint('AWS_ENDPOINT_URL_SNS'),
    // moto serves S3 on its one endpoint: without an S3 variable, S3 is where DynamoDB is.
    s3: realAws ? undefined : env.AWS_ENDPOINT_URL_S3 || endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
    kinesis: endpoint('AWS_ENDPOINT_URL_KINESIS'),
    region: env.AWS_REGION || defaults.AWS_REGION,
    accessKeyId: realAws ? undefined : env.AWS_ACCESS_KEY_ID || defaults.AWS_ACCESS_KEY_ID,
    secretAccessKey: realAws ? undefined : env.AWS_SECRET_ACCESS_KEY || defaults.AWS_SECRET_ACCESS_KEY,
  };
}

/** The AWS services a local client is made for, by their field in `LocalEndpoints`. */
export type LocalAwsService = 'dynamodb' | 'dynamodbStreams' | 'sqs' | 'sns' | 's3' | 'kinesis';

/**
 * Region, endpoint and credentials for an AWS SDK v3 client of one service; the endpoint and credentials
 * only when set, so on the `aws` target the SDK's own resolution applies.
 *
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient({ ...awsClientOptions(localEndpoints(), 'dynamodb'), maxAttempts: 3 });
 * ```
 */
export function awsClientOptions(
  endpoints: LocalEndpoints,
  service: LocalAwsService,
): {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  const { accessKeyId, secretAccessKey } = endpoints;
  const endpoint = endpoints[service];
  return {
    region: endpoints.region,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}

/**
 * The variables a handler needs to reach the AWS side with the AWS SDK (which honours
 * `AWS_ENDPOINT_URL_<SERVICE>`), added to every local function's environment; only those that are set, so
 * on the `aws` target a function gets the region alone.
 */
export function awsClientEnvironment(endpoints: LocalEndpoints): Record<string, string> {
  const entries: [string, string | undefined][] = [
    ['AWS_ENDPOINT_URL_DYNAMODB', endpoints.dynamodb],
    ['AWS_ENDPOINT_URL_DYNAMODB_STREAMS', endpoints.dynamodbStreams],
    ['AWS_ENDPOINT_URL_SQS', endpoints.sqs],
    ['AWS_ENDPOINT_URL_SNS', endpoints.sns],
    ['AWS_ENDPOINT_URL_S3', endpoints.s3],
    ['AWS_ENDPOINT_URL_KINESIS', endpoints.kinesis],
    ['AWS_REGION', endpoints.region],
    ['AWS_DEFAULT_REGION', endpoints.region],
    ['AWS_ACCESS_KEY_ID', endpoints.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', endpoints.secretAccessKey],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/**
 * The table of what serves each AWS service for the endpoints `localEndpoints(env)` gives, printed at the
 * start of `local deploy`, `local run`, the demo and the benchmarks' end-to-end step.
 *
 * @example
 * ```ts
 * console.error(awsTargetReport()); // AWS target moto / DynamoDB  moto  http://127.0.0.1:14566 / …
 * ```
 */
export function awsTargetReport(env: NodeJS.ProcessEnv = process.env): string {
  const { awsTarget } = resolveServicesConfig({ env });
  return awsTargetSummary(awsTarget, {
    ...serviceEnv({ env }),
    ...awsClientEnvironment(localEndpoints(env)),
  });
}
