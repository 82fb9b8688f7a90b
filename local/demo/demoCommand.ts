/**
 * `streambridge local --demo [flags]` (what `npm start` runs): servers up, the default app synthesized,
 * deployed and running, the generated workload driven through it with a live view, then the summary and
 * the checks; exit code 0 only when nothing was lost, double-applied or mismatched. Ctrl-C once stops
 * generating and verifies; twice skips the wait for the sinks to catch up.
 *
 * @example
 * ```sh
 * node local/streambridge.mjs local --demo --events 10000 --json
 * ```
 */
import config from '../../streambridge.config';
import { awsTargetReport, localEndpoints } from '../deploy/localEndpoints';
import { resolveServicesConfig, serviceEnv, servicesStatus, startServices } from '../services';
import { MotoSettingEnvVars } from '../services/moto/constants';
import { readMotoStatus } from '../services/moto/readMotoStatus';
import { DEMO_DEFAULTS, DEMO_EXIT_CODES } from './constants';
import { DemoArgumentError } from './errors';
import { demoHelp, demoItemTtlSeconds, demoLatencyWarmupMs, parseDemoArgs } from './parseDemoArgs';
import { runDemo } from './runDemo';
import { startDemoPipeline } from './startDemoPipeline';
import { resultLine, summaryText } from './summaryText';
import type { DemoSummary, ServerProcess } from './types';

/** Lines telling the user how to look at this run's data with `local query`. */
function queryHints(summary: DemoSummary): string[] {
  const tag = summary.runTag;
  return [
    '',
    'Look at the data (ids carry the run tag):',
    `  npx streambridge local query counter home-${tag}`,
    `  npx streambridge local query unique home-${tag}`,
    '  npx streambridge local query leaderboard',
    `  npx streambridge local query series dev-${tag}-01`,
    `  npx streambridge local query order ${tag}-o1`,
    `  npx streambridge local query product ${tag}-p01`,
    `  npx streambridge local query session ${tag}-s1   (absent once ended or expired)`,
    'The servers keep running: `npx streambridge services down` stops them.',
  ];
}

/** The running local servers' processes (for the live view's CPU and memory). */
async function serverProcesses(): Promise<ServerProcess[]> {
  const statuses = await servicesStatus({ log: () => undefined });
  return statuses.flatMap(({ service, pid }) => (pid === undefined ? [] : [{ service, pid }]));
}

/**
 * Starts the servers; a moto started here keeps stream records `DEMO_DEFAULTS.streamRetentionSeconds` unless
 * the variable says otherwise, so a long run stays flat. A moto already running keeps its own retention:
 * say so when it is longer.
 */
async function startDemoServices(log: (line: string) => void): Promise<void> {
  const env = { ...process.env };
  env[MotoSettingEnvVars.streamRetentionSeconds] ??= String(DEMO_DEFAULTS.streamRetentionSeconds);
  await startServices({ startedBy: 'cli', env, log: (line) => log(`[services] ${line}`) });
  const wanted = Number(env[MotoSettingEnvVars.streamRetentionSeconds]);
  const status = await readMotoStatus(resolveServicesConfig({ env }).ports.moto).catch(() => undefined);
  const kept = status?.settings.streamRetentionSeconds;
  if (kept !== undefined && kept > wanted)
    log(
      `[services] moto was already running and keeps stream records ${kept} s, not ${wanted} s: its memory grows for that long; \`npx streambridge services down moto\` before the demo to start it with ${wanted} s`,
    );
}

export async function runDemoCommand(args: readonly string[]): Promise<number> {
  let flags: ReturnType<typeof parseDemoArgs>;
  try {
    flags = parseDemoArgs(args);
  } catch (error) {
    if (!(error instanceof DemoArgumentError)) throw error;
    console.error(`streambridge local --demo: ${error.message}\n${demoHelp}`);
    return DEMO_EXIT_CODES.usage;
  }
  if (flags.help) {
    console.log(demoHelp);
    return DEMO_EXIT_CODES.ok;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (flags.services) {
    await startDemoServices(log);
    for (const [name, value] of Object.entries(serviceEnv())) process.env[name] ??= value;
  }
  log(awsTargetReport());
  const endpoints = localEndpoints();
  const pipeline = await startDemoPipeline({
    endpoints,
    ...(flags.synth ? {} : { assemblyDir: 'cdk.out' }),
    log,
  });

  const stopGenerating = new AbortController();
  const skipDrain = new AbortController();
  const onSignal = () => {
    if (!stopGenerating.signal.aborted) {
      log(
        '\nstopping the workload; waiting for the sinks to catch up, then verifying (Ctrl-C again to skip the wait)',
      );
      stopGenerating.abort();
    } else skipDrain.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runDemo({
      config,
      deployment: pipeline.deployment,
      endpoints,
      seed: flags.seed,
      rate: flags.rate,
      events: flags.events,
      durationMs: flags.durationMs,
      poison: flags.poison,
      drainTimeoutMs: flags.drainTimeoutMs,
      itemTtlSeconds: demoItemTtlSeconds(flags),
      latencyWarmupMs: demoLatencyWarmupMs(flags),
      servers: serverProcesses,
      signal: stopGenerating.signal,
      skipDrain: skipDrain.signal,
      log,
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else console.log([...summaryText(summary), ...queryHints(summary)].join('\n'));
    if (flags.json) log(resultLine(summary));
    return summary.ok ? DEMO_EXIT_CODES.ok : DEMO_EXIT_CODES.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pipeline.stop();
  }
}
