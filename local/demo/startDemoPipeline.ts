/**
 * Brings the default app up for a demo run on already running servers: synthesizes it (or takes an
 * existing cloud assembly), deploys it, and starts what runs it — the Kinesis streaming destinations, the
 * execution environments and the event source pollers. Function and runtime logs go to a file so the
 * terminal keeps the live view (and stdout keeps the JSON summary).
 *
 * @example
 * ```ts
 * const running = await startDemoPipeline({ endpoints: localEndpoints(), projectDir: process.cwd() });
 * // … runDemo({ deployment: running.deployment, … }) …
 * await running.stop();
 * ```
 */
import { dirname, join, resolve } from 'node:path';
import { Logger } from '../../lambdas/core/Logger';
import {
  awsClientEnvironment,
  DEPLOY_PATHS,
  deployTemplate,
  startStreamingDestinations,
  synthesizeApp,
} from '../deploy';
import type { DeploymentState, LocalEndpoints } from '../deploy/types';
import { type LocalRuntime, runLocal } from '../runtime';
import type { LocalDeployment } from '../runtime/types';
import { RuntimeLog } from './RuntimeLog';

export interface StartDemoPipelineOptions {
  readonly endpoints: LocalEndpoints;
  /** Project root (cdk.json); default the current directory. */
  readonly projectDir?: string;
  /** A cloud assembly to deploy as is; without it the app is synthesized into `outdir`. */
  readonly assemblyDir?: string;
  /** Where to synthesize; default `<projectDir>/cdk.out`. */
  readonly outdir?: string;
  /** Deployment state file; default `.streambridge/deployment.json` (tests use a private one). */
  readonly stateFile?: string;
  /** Where function output and runtime logs go; default `.streambridge/logs/demo-runtime.log`. */
  readonly logFile?: string;
  readonly log?: (line: string) => void;
  /**
   * Execution environments per function at most. Default 2: a laptop-sized pool, so a burst of batches
   * does not start a storm of cold starts that compete for the same cores.
   */
  readonly maxConcurrency?: number;
}

export interface RunningDemoPipeline {
  readonly deployment: LocalDeployment;
  readonly runtime: LocalRuntime;
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startDemoPipeline(options: StartDemoPipelineOptions): Promise<RunningDemoPipeline> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateFile = resolve(projectDir, options.stateFile ?? DEPLOY_PATHS.stateFile);
  const logFile = resolve(projectDir, options.logFile ?? join('.streambridge', 'logs', 'demo-runtime.log'));
  const runtimeLog = new RuntimeLog(logFile);
  const writeLog = (line: string) => runtimeLog.write(line);

  let assemblyDir = options.assemblyDir;
  if (!assemblyDir) {
    // The CDK CLI's bundler lines go to the log file; a failed synth throws with their tail.
    const synthStarted = Date.now();
    log('synthesizing the app (esbuild bundles each function)…');
    assemblyDir = await synthesizeApp({
      projectDir,
      ...(options.outdir ? { outdir: options.outdir } : {}),
      log: (line) => writeLog(`[cdk] ${line}`),
    });
    log(`synthesized in ${((Date.now() - synthStarted) / 1000).toFixed(1)} s`);
  }
  log('deploying the app to the local servers');
  const { deployment, report } = await deployTemplate({
    assembly: assemblyDir,
    endpoints: options.endpoints,
    projectDir,
    stateFile,
  });
  const made = report.filter((entry) => entry.action !== 'skipped' && entry.action !== 'unchanged').length;
  log(
    `deployed: ${deployment.tables.length} tables, ${deployment.topics.length} topics, ${deployment.functions.length} functions, ${deployment.eventSourceMappings.length} event source mappings (${made} changed)`,
  );

  const state: DeploymentState = {
    version: 1,
    deployedAt: new Date().toISOString(),
    assemblyDir,
    endpoints: options.endpoints,
    deployment,
    resources: [],
  };
  const destinations = startStreamingDestinations(state, {
    stateFile,
    endpoints: options.endpoints,
    onError: (error) =>
      writeLog(`[streaming destination] ${error instanceof Error ? error.message : String(error)}`),
  });
  const runtime = await runLocal(deployment, {
    env: { ...awsClientEnvironment(options.endpoints), KAFKA_BROKERS: options.endpoints.kafkaBrokers },
    logger: new Logger('streambridge-local', { write: writeLog }),
    output: (line, source) => writeLog(`[${source.functionName}] ${line}`),
    checkpointFile: join(dirname(stateFile), 'runtime-checkpoints.json'),
    maxConcurrency: options.maxConcurrency ?? 2,
  }).catch(async (error: unknown) => {
    await destinations.stop();
    throw error;
  });
  // Every function's environments run their init phase now, so the measured run starts warm (cold starts
  // of four functions inside the first seconds would otherwise be most of its p99).
  const warmStarted = Date.now();
  const warmed = await runtime.prewarm();
  log(
    `functions warm: ${warmed.environments} execution environments in ${((Date.now() - warmStarted) / 1000).toFixed(1)} s${warmed.initErrors > 0 ? ` (${warmed.initErrors} init errors: see the log)` : ''}`,
  );
  log(`pipeline running (function and runtime logs: ${logFile})`);
  return {
    deployment,
    runtime,
    logFile,
    async stop() {
      await runtime.stop();
      await destinations.stop();
      runtimeLog.close();
    },
  };
}
