/**
 * `streambridge local deploy|status|destroy|run`: the synthesized CDK app on the local servers.
 *
 * @example
 * ```sh
 * node local/streambridge.mjs local deploy            # servers up, cdk synth, deploy, print what was done
 * node local/streambridge.mjs local status            # the deployed resources and whether they exist
 * node local/streambridge.mjs local run               # run the deployment until Ctrl-C
 * ```
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { validatePipelineConfig } from '../../config/validatePipelineConfig';
import {
  awsClientEnvironment,
  awsTargetReport,
  DEPLOY_ACTIONS,
  DEPLOY_PATHS,
  type DeploymentState,
  deploymentStatus,
  deployTemplate,
  destroyDeployment,
  type ExistingDeclarations,
  existingDeclarations,
  LocalDeployError,
  localEndpoints,
  NotDeployedError,
  type ReportEntry,
  readDeploymentState,
  startStreamingDestinations,
  synthesizeApp,
} from '../deploy';
import { startServices } from '../services';
import type { CliCommand } from './types';

const HELP = `usage: streambridge local <deploy|status|destroy|run> [options]
  deploy   start the local servers if needed, synthesize the CDK app (cdk synth) and create its tables,
           streams, topics and queues on them; prints what was created, updated, unchanged or skipped.
           What the pipeline config declares existing is checked there instead (one line per missing
           resource, with the command that creates it) and never created
  status   the deployed resources and whether they exist on the servers
  destroy  delete the deployed tables, streams, topics and queues from the servers
  run      run the deployment: Kinesis streaming destinations, function execution environments and
           event source pollers, until Ctrl-C
  query    read the demo's data as a dashboard would (\`local query --help\`)
  --demo   the whole pipeline with a generated workload, live view and checks (\`local --demo --help\`)
options:
  --app CMD        CDK app command (default: the "app" of cdk.json)
  -c, --context K=V  CDK context for the synth (repeatable), e.g. -c streambridge:config=my.config.ts
  --cdk-out DIR    cloud assembly directory (default: cdk.out)
  --no-synth       deploy the cloud assembly already in --cdk-out
  --no-services    do not start the local servers (use the endpoints in the environment; also
                   when STREAMBRIDGE_EXTERNAL_SERVICES=1)
  --state FILE     state file (default: ${DEPLOY_PATHS.stateFile})
  --verbose        list every skipped resource instead of one line per type`;

/** The context bin/streambridge.ts reads its pipeline config file from, and its default file. */
const PIPELINE_CONFIG = { context: 'streambridge:config', defaultFile: 'streambridge.config.ts' } as const;

interface LocalFlags {
  readonly action: string | undefined;
  readonly app: string | undefined;
  readonly context: Record<string, string>;
  readonly cdkOut: string;
  readonly synth: boolean;
  readonly services: boolean;
  readonly stateFile: string;
  readonly verbose: boolean;
}

function parse(args: string[]): LocalFlags {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      app: { type: 'string' },
      context: { type: 'string', short: 'c', multiple: true },
      'cdk-out': { type: 'string' },
      'no-synth': { type: 'boolean' },
      'no-services': { type: 'boolean' },
      state: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 1)
    throw new LocalDeployError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  const context: Record<string, string> = {};
  for (const pair of values.context ?? []) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new LocalDeployError(`--context must be KEY=VALUE, got "${pair}"`);
    context[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return {
    action: values.help ? 'help' : positionals[0],
    app: values.app,
    context,
    cdkOut: resolve(values['cdk-out'] ?? DEPLOY_PATHS.assemblyDir),
    synth: values['no-synth'] !== true,
    services: values['no-services'] !== true,
    stateFile: resolve(values.state ?? DEPLOY_PATHS.stateFile),
    verbose: values.verbose === true,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Report rows: every resource that exists locally, then the skipped ones grouped by type and reason. */
export function reportRows(report: readonly ReportEntry[], verbose: boolean): string[][] {
  const rows = [['ACTION', 'TYPE', 'NAME', 'DETAIL']];
  for (const entry of report) {
    if (entry.action !== DEPLOY_ACTIONS.skipped || verbose)
      rows.push([entry.action, entry.type, entry.name, entry.detail]);
  }
  if (verbose) return rows;
  const groups = new Map<string, ReportEntry[]>();
  for (const entry of report) {
    if (entry.action !== DEPLOY_ACTIONS.skipped) continue;
    const key = `${entry.type}\n${entry.detail}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const entries of groups.values()) {
    const [first] = entries;
    const name = entries.length === 1 ? first.name : `${entries.length} resources`;
    rows.push([DEPLOY_ACTIONS.skipped, first.type, name, first.detail]);
  }
  return rows;
}

function summary(report: readonly ReportEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of report) counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
  return Object.values(DEPLOY_ACTIONS)
    .filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} ${action}`)
    .join(', ');
}

async function ensureServices(flags: LocalFlags): Promise<void> {
  // Same switch as the integration tests: the endpoints in the environment are someone else's servers.
  if (!flags.services || process.env.STREAMBRIDGE_EXTERNAL_SERVICES === '1') return;
  await startServices({ startedBy: 'cli', log: (line) => console.error(`[services] ${line}`) });
}

/**
 * What the app's pipeline config declares existing: the config of `-c streambridge:config=FILE`, else the
 * project's streambridge.config.ts when the app is the project's own (no `--app`); none for other apps.
 */
async function declaredExisting(flags: LocalFlags): Promise<ExistingDeclarations | undefined> {
  const file =
    flags.context[PIPELINE_CONFIG.context] ?? (flags.app ? undefined : PIPELINE_CONFIG.defaultFile);
  if (!file || !existsSync(resolve(file))) return undefined;
  const loaded = (await import(pathToFileURL(resolve(file)).href)) as { default: unknown };
  return existingDeclarations(validatePipelineConfig(loaded.default));
}

async function deploy(flags: LocalFlags): Promise<number> {
  const existing = await declaredExisting(flags);
  await ensureServices(flags);
  console.error(awsTargetReport());
  const assemblyDir = flags.synth
    ? await synthesizeApp({
        outdir: flags.cdkOut,
        ...(flags.app ? { appCommand: flags.app } : {}),
        context: flags.context,
        log: (line) => console.error(`[cdk] ${line}`),
      })
    : flags.cdkOut;
  const { report, stateFile } = await deployTemplate({
    assembly: assemblyDir,
    stateFile: flags.stateFile,
    ...(existing ? { existing } : {}),
  });
  console.log(table(reportRows(report, flags.verbose)));
  console.log(`\n${summary(report)}; state written to ${stateFile}`);
  const blocked = report.filter((entry) => entry.action === DEPLOY_ACTIONS.blocked);
  if (blocked.length > 0) {
    console.error(`${blocked.length} change(s) cannot be made in place: see the blocked rows above`);
    return 1;
  }
  return 0;
}

async function status(flags: LocalFlags): Promise<number> {
  const { state, resources } = await deploymentStatus({ stateFile: flags.stateFile });
  console.log(
    `deployed ${state.deployedAt} from ${state.assemblyDir} (stacks: ${state.deployment.stackNames.join(', ')})`,
  );
  const rows = [['KIND', 'NAME', 'EXISTS', 'DETAIL']];
  for (const resource of resources)
    rows.push([resource.kind, resource.name, resource.exists ? 'yes' : 'NO', resource.detail]);
  console.log(table(rows));
  const skipped = state.deployment.skipped.length;
  if (skipped > 0)
    console.log(`\n${skipped} template resources have no local counterpart (see \`local deploy --verbose\`)`);
  return resources.every((resource) => resource.exists) ? 0 : 1;
}

async function destroy(flags: LocalFlags): Promise<number> {
  const report = await destroyDeployment({ stateFile: flags.stateFile });
  const rows = [['ACTION', 'TYPE', 'NAME', 'DETAIL']];
  for (const entry of report) rows.push([entry.action, entry.type, entry.name, entry.detail]);
  console.log(table(rows));
  return 0;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolveSignal(signal));
  });
}

async function run(flags: LocalFlags): Promise<number> {
  const state: DeploymentState | undefined = readDeploymentState(flags.stateFile);
  if (!state) throw new NotDeployedError(flags.stateFile);
  await ensureServices(flags);
  console.error(awsTargetReport());
  const endpoints = localEndpoints();
  const destinations = startStreamingDestinations(state, {
    stateFile: flags.stateFile,
    endpoints,
    onError: (error) =>
      console.error(`[streaming destination] ${error instanceof Error ? error.message : error}`),
  });
  for (const { tableName, streamName } of destinations.destinations) {
    console.log(`forwarding changes of table ${tableName} to Kinesis stream ${streamName}`);
  }
  // The runtime is another engineer's module, loaded only for `run` so `deploy` stays light.
  const { runLocal } = await import('../runtime');
  const runtime = await runLocal(state.deployment, {
    env: { ...process.env, ...awsClientEnvironment(endpoints), KAFKA_BROKERS: endpoints.kafkaBrokers },
    checkpointFile: join(dirname(flags.stateFile), DEPLOY_PATHS.runtimeCheckpointFile),
  }).catch(async (error: unknown) => {
    await destinations.stop();
    throw error;
  });
  const { functions, eventSourceMappings, scheduleRules = [] } = state.deployment;
  const enabledMappings = eventSourceMappings.filter((mapping) => mapping.enabled).length;
  const enabledRules = scheduleRules.filter((rule) => rule.enabled).length;
  console.log(
    `running ${functions.length} functions, ${enabledMappings} event source mappings and ${enabledRules} scheduled rules; Ctrl-C to stop`,
  );
  const signal = await waitForSignal();
  console.log(`${signal}: stopping`);
  await runtime.stop();
  await destinations.stop();
  return 0;
}

export const localCommand: CliCommand = {
  description:
    'deploy the synthesized CDK app to the local servers and run it (deploy, status, destroy, run)',
  async run(args) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // The demo (`npm start`) and its read side have their own flags: see local/demo.
    if (args.includes('--demo')) return (await import('../demo/demoCommand')).runDemoCommand(args);
    if (args[0] === 'query') return (await import('../demo/queryCommand')).runQuery(args.slice(1));
    const flags = parse(args);
    switch (flags.action) {
      case 'deploy':
        return deploy(flags);
      case 'status':
        return status(flags);
      case 'destroy':
        return destroy(flags);
      case 'run':
        return run(flags);
      case 'help':
        console.log(HELP);
        return 0;
      default:
        console.error(flags.action ? `unknown subcommand "${flags.action}"\n${HELP}` : HELP);
        return 2;
    }
  },
};
