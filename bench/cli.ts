/**
 * `npm run bench [-- --quick] [--json] [--only NAME] [--no-write]`: the benchmarks' own entry point. The
 * benchmarks use local/ (servers, deployer, demo); nothing in local/ imports them.
 */
import { parseBenchArgs, printReport, runBenchmarks } from './runBenchmarks';

try {
  const options = parseBenchArgs(process.argv.slice(2));
  process.exitCode = printReport(await runBenchmarks(options), options.json);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
