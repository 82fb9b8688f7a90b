import { AWS_SERVICE_TITLES, AWS_TARGET_ENV_VARS, LOCAL_AWS, LOOPBACK_HOST } from './constants';
import { runningRecord } from './pidFiles';
import { resolveServicesConfig } from './resolveServicesConfig';
import { SERVER_DEFINITIONS } from './serverDefinitions';
import type { AwsService, ServiceName, ServicesConfig, ServicesOptions } from './types';

/** The client port of a server: the one it runs on if it is running, else the configured one. */
function clientPort(config: ServicesConfig, name: ServiceName): number {
  const record = runningRecord(config, name, SERVER_DEFINITIONS[name].processMarker);
  return record?.ports[0] ?? SERVER_DEFINITIONS[name].ports(config)[0];
}

const awsServices = Object.keys(AWS_SERVICE_TITLES) as AwsService[];

/** `AWS_ENDPOINT_URL_<SERVICE>` for each AWS service the target serves somewhere other than real AWS. */
function awsEndpointEnv(config: ServicesConfig): Record<string, string> {
  const { endpoint, servedBy } = config.awsTarget;
  const env: Record<string, string> = {};
  if (endpoint !== undefined) {
    env.AWS_ENDPOINT_URL = endpoint;
    for (const service of awsServices) env[`AWS_ENDPOINT_URL_${service}`] = endpoint;
  } else if (servedBy !== undefined) {
    for (const service of awsServices) {
      const server = servedBy[service];
      if (config.services.includes(server)) {
        env[`AWS_ENDPOINT_URL_${service}`] = `http://${LOOPBACK_HOST}:${clientPort(config, server)}`;
      }
    }
  }
  return env;
}

/**
 * The environment variables that point clients (handlers, tests, the AWS SDK) at the servers of the AWS
 * target: Kafka and Redis, an `AWS_ENDPOINT_URL_<SERVICE>` per AWS service (none on the `aws` target, so
 * the SDK uses the real endpoints), the region, and dummy credentials except on the `aws` target.
 *
 * @example
 * ```ts
 * Object.assign(process.env, serviceEnv());
 * // KAFKA_BROKERS=127.0.0.1:19092, REDIS_URL=redis://127.0.0.1:16379, AWS_ENDPOINT_URL_DYNAMODB=…
 * ```
 */
export function serviceEnv(options: ServicesOptions = {}): Record<string, string> {
  const config = resolveServicesConfig(options);
  const env: Record<string, string> = {};
  if (config.services.includes('kafka'))
    env.KAFKA_BROKERS = `${LOOPBACK_HOST}:${clientPort(config, 'kafka')}`;
  if (config.services.includes('redis'))
    env.REDIS_URL = `redis://${LOOPBACK_HOST}:${clientPort(config, 'redis')}`;
  Object.assign(env, awsEndpointEnv(config));
  env[AWS_TARGET_ENV_VARS.target] = config.awsTarget.name;
  // So these variables resolve to the same target again (a child process, localEndpoints(serviceEnv())).
  if (config.awsTarget.name === 'aws') env[AWS_TARGET_ENV_VARS.allowReal] = '1';
  env.AWS_REGION = config.awsTarget.region;
  if (config.awsTarget.dummyCredentials) {
    env.AWS_ACCESS_KEY_ID = LOCAL_AWS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.secretAccessKey;
  }
  return env;
}
