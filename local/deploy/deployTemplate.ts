import { dirname, resolve } from 'node:path';
import { DEPLOY_PATHS } from './constants';
import { DeploymentRun } from './DeploymentRun';
import { readDeploymentState, writeDeploymentState } from './deploymentState';
import type { ExistingDeclarations } from './existing/types';
import { LocalClients } from './LocalClients';
import { localEndpoints } from './localEndpoints';
import { readCloudAssembly } from './readCloudAssembly';
import type { CloudAssembly, DeployResult, LocalEndpoints } from './types';

export interface DeployOptions {
  /** A cloud assembly directory (`cdk.out`) or an assembly already read. */
  readonly assembly: string | CloudAssembly;
  /** Default: from the environment, else the services launcher's endpoints. */
  readonly endpoints?: LocalEndpoints;
  /** Root for the default state file. Default: the current directory. */
  readonly projectDir?: string;
  /** Default `<projectDir>/.streambridge/deployment.json`; inline function code is written beside it. */
  readonly stateFile?: string;
  /** Progress lines; default silent. */
  readonly log?: (line: string) => void;
  /**
   * What the pipeline config declares existing (`existingDeclarations(config)`): checked on the servers
   * before anything is deployed (an {@link ExistingResourcesMissingError} names each one missing), then
   * skipped instead of created.
   */
  readonly existing?: ExistingDeclarations;
}

/**
 * Deploys a synthesized CDK app to the local servers (one deployer per resource type, see
 * `deployers/resourceDeployers.ts`) and writes the state file that `status`, `run` and `destroy` read.
 * Every resource appears in the report as created, updated, unchanged, skipped (with the reason), blocked,
 * deleted or retained; deploying the same assembly again changes nothing.
 *
 * @example
 * ```ts
 * const { deployment, report } = await deployTemplate({ assembly: 'cdk.out' });
 * for (const entry of report) console.log(entry.action, entry.type, entry.name, entry.detail);
 * ```
 */
export async function deployTemplate(options: DeployOptions): Promise<DeployResult> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const stateFile = resolve(projectDir, options.stateFile ?? DEPLOY_PATHS.stateFile);
  const assembly =
    typeof options.assembly === 'string' ? readCloudAssembly(options.assembly) : options.assembly;
  const endpoints = options.endpoints ?? localEndpoints();
  const previous = readDeploymentState(stateFile);
  const clients = new LocalClients(endpoints);
  try {
    const { deployment, resources, report } = await new DeploymentRun({
      clients,
      assembly,
      previous,
      inlineCodeDir: resolve(dirname(stateFile), DEPLOY_PATHS.inlineCodeDir),
      log: options.log ?? (() => undefined),
      ...(options.existing ? { existing: options.existing } : {}),
    }).deploy();
    writeDeploymentState(stateFile, {
      version: 1,
      deployedAt: new Date().toISOString(),
      assemblyDir: assembly.directory,
      endpoints,
      deployment,
      resources,
    });
    return { deployment, report, stateFile };
  } finally {
    await clients.close();
  }
}
