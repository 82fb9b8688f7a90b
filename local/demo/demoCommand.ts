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
import { localEndpoints } from '../deploy/localEndpoints';
import { serviceEnv, startServices } from '../services';
import { DemoExitCodes } from './constants';
import { DemoArgumentError } from './errors';
import { demoHelp, parseDemoArgs } from './parseDemoArgs';
import { runDemo } from './runDemo';
import { startDemoPipeline } from './startDemoPipeline';
import { resultLine, summaryText } from './summaryText';
import type { DemoSummary } from './types';

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

export async function runDemoCommand(args: readonly string[]): Promise<number> {
  let flags: ReturnType<typeof parseDemoArgs>;
  try {
    flags = parseDemoArgs(args);
  } catch (error) {
    if (!(error instanceof DemoArgumentError)) throw error;
    console.error(`streambridge local --demo: ${error.message}\n${demoHelp}`);
    return DemoExitCodes.usage;
  }
  if (flags.help) {
    console.log(demoHelp);
    return DemoExitCodes.ok;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (flags.services) {
    await startServices({ startedBy: 'cli', log: (line) => log(`[services] ${line}`) });
    for (const [name, value] of Object.entries(serviceEnv())) process.env[name] ??= value;
  }
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
      signal: stopGenerating.signal,
      skipDrain: skipDrain.signal,
      log,
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else console.log([...summaryText(summary), ...queryHints(summary)].join('\n'));
    if (flags.json) log(resultLine(summary));
    return summary.ok ? DemoExitCodes.ok : DemoExitCodes.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pipeline.stop();
  }
}
