/**
 * The local deployer: synthesizes the CDK app, deploys its template to the local servers and records the
 * result (the `LocalDeployment` model the local runtime runs) in `.streambridge/deployment.json`.
 *
 * @example
 * ```ts
 * import { deployTemplate, synthesizeApp } from '../local/deploy';
 * const { deployment, report } = await deployTemplate({ assembly: await synthesizeApp() });
 * ```
 */
export { DEPLOY_ACTIONS, DEPLOY_PATHS } from './constants';
export { readDeploymentState } from './deploymentState';
export type { DeploymentStatus, StatusOptions } from './deploymentStatus';
export { deploymentStatus } from './deploymentStatus';
export type { DeployOptions } from './deployTemplate';
export { deployTemplate } from './deployTemplate';
export type { DestroyOptions } from './destroyDeployment';
export { destroyDeployment } from './destroyDeployment';
export {
  ExistingResourcesMissingError,
  LocalDeployError,
  NotDeployedError,
  ResourceDeployError,
  SynthError,
  TemplateError,
} from './errors';
export { declaresNothing, existingDeclarations } from './existing/existingDeclarations';
export type { ExistingDeclarations, MissingResource } from './existing/types';
export type { StreamingDestinationOptions } from './KinesisStreamingDestination';
export { KinesisStreamingDestination } from './KinesisStreamingDestination';
export { LocalClients } from './LocalClients';
export { awsClientEnvironment, awsClientOptions, awsTargetReport, localEndpoints } from './localEndpoints';
export { readCloudAssembly } from './readCloudAssembly';
export type {
  RunningStreamingDestinations,
  StreamingDestinationsOptions,
} from './startStreamingDestinations';
export { startStreamingDestinations } from './startStreamingDestinations';
export type { SynthesizeOptions } from './synthesizeApp';
export { synthesizeApp, synthesizeAppObject } from './synthesizeApp';
export type {
  CloudAssembly,
  DeployedResource,
  DeploymentState,
  DeployResult,
  LocalEndpoints,
  ReportEntry,
  ResourceStatus,
} from './types';
