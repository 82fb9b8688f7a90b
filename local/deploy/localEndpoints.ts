import { serviceEnv } from '../services';
import type { LocalEndpoints } from './types';

/**
 * The local servers' endpoints: from the environment (`KAFKA_BROKERS`, `REDIS_URL`, `AWS_ENDPOINT_URL_*`,
 * `AWS_REGION`, credentials), else the services launcher's defaults for the running or configured servers.
 *
 * @example
 * ```ts
 * const endpoints = localEndpoints(); // { kafkaBrokers: '127.0.0.1:19092', dynamodb: 'http://127.0.0.1:14566', … }
 * ```
 */
export function localEndpoints(env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  const defaults = serviceEnv({ env });
  const endpoint = (...names: string[]): string => {
    const set = names.map((name) => env[name]).find(Boolean);
    return set || env.AWS_ENDPOINT_URL || defaults[names[0]];
  };
  return {
    kafkaBrokers: env.KAFKA_BROKERS || defaults.KAFKA_BROKERS,
    redisUrl: env.REDIS_URL || defaults.REDIS_URL,
    dynamodb: endpoint('AWS_ENDPOINT_URL_DYNAMODB'),
    dynamodbStreams: endpoint('AWS_ENDPOINT_URL_DYNAMODB_STREAMS', 'AWS_ENDPOINT_URL_DYNAMODB'),
    sqs: endpoint('AWS_ENDPOINT_URL_SQS'),
    kinesis: endpoint('AWS_ENDPOINT_URL_KINESIS'),
    region: env.AWS_REGION || defaults.AWS_REGION,
    accessKeyId: env.AWS_ACCESS_KEY_ID || defaults.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY || defaults.AWS_SECRET_ACCESS_KEY,
  };
}

/**
 * The variables a handler needs to reach the local servers with the AWS SDK (which honours
 * `AWS_ENDPOINT_URL_<SERVICE>`), added to every local function's environment.
 */
export function awsClientEnvironment(endpoints: LocalEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodbStreams,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: endpoints.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoints.secretAccessKey,
  };
}
