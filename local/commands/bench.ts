/** `streambridge bench [--quick] [--json] [--only NAME]`: runs the benchmarks (see bench/runBenchmarks.ts). */
import { parseBenchArgs, printReport, runBenchmarks } from '../../bench/runBenchmarks';
import type { CliCommand } from './types';

export const benchCommand: CliCommand = {
  description: 'run the benchmarks against the local servers and write bench/results/<date>-<host>.json',
  async run(args) {
    const options = parseBenchArgs(args);
    return printReport(await runBenchmarks(options), options.json);
  },
};
