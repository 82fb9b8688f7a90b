import { LocalAws, LoopbackHost } from './constants';
import { runningRecord } from './pidFiles';
import { resolveServicesConfig } from './resolveServicesConfig';
import { serverDefinitions } from './serverDefinitions';
import type { ServiceName, ServicesConfig, ServicesOptions } from './types';

/** The client port of a server: the one it runs on if it is running, else the configured one. */
function clientPort(config: ServicesConfig, name: ServiceName): number {
  const record = runningRecord(config, name, serverDefinitions[name].processMarker);
  return record?.ports[0] ?? serverDefinitions[name].ports(config)[0];
}

/**
 * The environment variables that point clients (handlers, tests, the AWS SDK) at the local servers.
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
  for (const name of config.services) {
    const port = clientPort(config, name);
    if (name === 'kafka') env.KAFKA_BROKERS = `${LoopbackHost}:${port}`;
    if (name === 'redis') env.REDIS_URL = `redis://${LoopbackHost}:${port}`;
    if (name === 'moto') {
      const url = `http://${LoopbackHost}:${port}`;
      env.AWS_ENDPOINT_URL_DYNAMODB = url;
      env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = url;
      env.AWS_ENDPOINT_URL_SQS = url;
    }
    if (name === 'kinesis') env.AWS_ENDPOINT_URL_KINESIS = `http://${LoopbackHost}:${port}`;
  }
  env.AWS_REGION = LocalAws.region;
  env.AWS_ACCESS_KEY_ID = LocalAws.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = LocalAws.secretAccessKey;
  return env;
}
