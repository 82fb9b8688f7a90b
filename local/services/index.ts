/**
 * The local servers (Kafka, Redis, moto, kinesis-mock, LocalStack) and the AWS target switch as a TypeScript
 * API, used by the CLI, the test global setup, fault tests (private instances on their own ports) and the
 * local runtime.
 *
 * @example
 * ```ts
 * import { freePort, startServices, stopServices } from '../local/services';
 * const options = { only: ['redis'] as const, stateDir: '/tmp/fault', ports: { redis: await freePort() } };
 * await startServices(options);
 * await stopServices(options);
 * ```
 */

export type { AcquireOptions, ServicesLease } from './acquireServices';
export { acquireServices } from './acquireServices';
export { awsTargetSummary, resolveAwsTarget } from './awsTarget';
export {
  AWS_TARGET_ENV_VARS,
  AWS_TARGETS,
  DEFAULT_PORTS,
  LOCAL_AWS,
  PORT_ENV_VARS,
  SERVICE_NAMES,
} from './constants';
export {
  AwsTargetError,
  MissingPrerequisiteError,
  PortInUseError,
  PortMismatchError,
  ServiceStartError,
  ServicesError,
} from './errors';
export { freePort, freeServicePorts } from './portCheck';
export type { LocalRedisCluster } from './redis/redisCluster';
export { startLocalRedisCluster } from './redis/redisCluster';
export { resolveServicesConfig } from './resolveServicesConfig';
export { serviceEnv } from './serviceEnv';
export { servicesStatus } from './servicesStatus';
export { startServices } from './startServices';
export { stopServices } from './stopServices';
export type {
  AwsService,
  AwsTarget,
  AwsTargetName,
  ServiceHealth,
  ServiceName,
  ServicePorts,
  ServiceStatus,
  ServicesOptions,
  StartedService,
  StartOptions,
  StopOptions,
  StoppedService,
} from './types';
