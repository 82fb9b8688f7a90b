/**
 * `npm run bench` (entry: bench/cli.ts): brings the local servers up, runs every benchmark module
 * (`bench/*.bench.ts`, each exporting a {@link Benchmark}), keeps the run as
 * `bench/results/<UTC time>-<host>[-quick].json`, regenerates docs/performance.md and the README's figures
 * from the kept runs after a full run, and prints the table.
 *
 * @example
 * ```sh
 * npm run bench -- --quick          # smoke check (CI)
 * npm run bench -- --only redis     # benchmarks whose name contains "redis"
 * npm run bench -- --json           # figures as JSON on stdout
 * npm run bench -- --only soak --duration 3600 --rate 25   # the soak (only when named)
 * ```
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { acquireServices } from '../local/services';
import type { Benchmark, BenchRunOptions, Figure } from './harness';
import { figuresTable, meetsTarget } from './harness';
import { canPrice, costTables } from './report/costModel';
import { writePerformanceDocs } from './report/writeDocs';

export interface BenchOptions extends BenchRunOptions {
  readonly json: boolean;
  readonly only?: string;
  readonly write?: boolean;
}

export interface BenchReport {
  readonly date: string;
  readonly host: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
    /** One-minute load average when the run started and ended (absent in runs kept before 2026-12-04). */
    readonly loadAverage?: { readonly start: number; readonly end: number };
  };
  readonly quick: boolean;
  readonly figures: readonly Figure[];
  /** Each benchmark that ran: how many figures it gave and how long it took. */
  readonly benchmarks: readonly {
    readonly name: string;
    readonly figures: number;
    readonly seconds: number;
  }[];
  readonly failures: readonly { readonly benchmark: string; readonly error: string }[];
}

const benchDir = dirname(fileURLToPath(import.meta.url));

function isBenchmark(value: unknown): value is Benchmark {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Benchmark).name === 'string' &&
    typeof (value as Benchmark).run === 'function'
  );
}

/** Every benchmark exported by the `*.bench.ts` modules, in file-name order. */
export async function discoverBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const module: Record<string, unknown> = await import(pathToFileURL(join(benchDir, file)).href);
    for (const value of Object.values(module))
      if (isBenchmark(value) && !found.includes(value)) found.push(value);
  }
  return found;
}

const NUMBER_FLAGS = { '--duration': 'durationSeconds', '--rate': 'rate', '--seed': 'seed' } as const;

export function parseBenchArgs(args: readonly string[]): BenchOptions {
  let only: string | undefined;
  const numbers: { durationSeconds?: number; rate?: number; seed?: number } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--only') only = args[++i];
    else if (arg in NUMBER_FLAGS) {
      const value = Number(args[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`bench: ${arg} needs a positive number`);
      numbers[NUMBER_FLAGS[arg as keyof typeof NUMBER_FLAGS]] = value;
    } else if (arg !== '--quick' && arg !== '--json' && arg !== '--no-write') {
      throw new Error(
        `bench: unknown argument "${arg}" (use --quick, --json, --only NAME, --no-write, --duration S, --rate N, --seed N)`,
      );
    }
  }
  return {
    quick: args.includes('--quick'),
    json: args.includes('--json'),
    only,
    write: !args.includes('--no-write'),
    ...numbers,
  };
}

/**
 * `<UTC time>-<host>[-quick].json` (e.g. `2026-12-04T21-30-05Z-vm.json`), a new file for every run, so every
 * run is kept; a run of some benchmarks only (`--only`) gets an `-only-<name>` file, git-ignored, never
 * read by the docs.
 */
export function resultFileName(
  isoDate: string,
  host: string,
  options: Pick<BenchOptions, 'quick' | 'only'>,
): string {
  const only = options.only ? `-only-${options.only.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : '';
  const time = `${isoDate.slice(0, 19).replaceAll(':', '-')}Z`;
  return `${time}-${host}${options.quick ? '-quick' : ''}${only}.json`;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export async function runBenchmarks(options: BenchOptions): Promise<BenchReport> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const loadAtStart = loadavg()[0] ?? 0;
  const lease = await acquireServices({ log });
  Object.assign(process.env, lease.env);
  const figures: Figure[] = [];
  const failures: { benchmark: string; error: string }[] = [];
  const ran: { name: string; figures: number; seconds: number }[] = [];
  try {
    const benchmarks = (await discoverBenchmarks()).filter((b) =>
      b.onlyWhenNamed ? b.name === options.only : !options.only || b.name.includes(options.only),
    );
    if (benchmarks.length === 0) throw new Error(`bench: no benchmark matches "${options.only ?? ''}"`);
    for (const benchmark of benchmarks) {
      const started = Date.now();
      log(`bench: ${benchmark.name}${options.quick ? ' (quick)' : ''} …`);
      const seconds = () => Number(((Date.now() - started) / 1000).toFixed(1));
      try {
        const produced = await benchmark.run({
          quick: options.quick,
          durationSeconds: options.durationSeconds,
          rate: options.rate,
          seed: options.seed,
        });
        figures.push(...produced);
        ran.push({ name: benchmark.name, figures: produced.length, seconds: seconds() });
        log(`bench: ${benchmark.name} done in ${seconds()} s`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ benchmark: benchmark.name, error: message });
        ran.push({ name: benchmark.name, figures: 0, seconds: seconds() });
        log(`bench: ${benchmark.name} FAILED: ${message}`);
      }
    }
  } finally {
    await lease.release();
  }
  const cpu = cpus();
  const report: BenchReport = {
    date: new Date().toISOString(),
    host: hostname(),
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0] ?? 0) },
    },
    quick: options.quick,
    figures,
    benchmarks: ran,
    failures,
  };
  if (options.write ?? true) {
    const dir = join(benchDir, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, resultFileName(report.date, report.host, options));
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`bench: wrote ${file}`);
    if (!options.quick && !options.only && failures.length === 0) {
      for (const path of writePerformanceDocs()) log(`bench: regenerated ${path}`);
    }
  }
  return report;
}

/** Prints the report; the exit code is 1 when a benchmark crashed (a missed target is reported, not fatal). */
export function printReport(report: BenchReport, json: boolean): number {
  if (json) process.stdout.write(`${JSON.stringify(report.figures, null, 2)}\n`);
  else {
    const m = report.machine;
    process.stdout.write(
      `${figuresTable(report.figures)}\n\n${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}\n`,
    );
    const thisRun = { file: 'this run', report };
    if (canPrice(thisRun))
      process.stdout.write(`\nWhat it costs on AWS (docs/performance.md):\n${costTables(thisRun)}\n`);
    const missed = report.figures.filter((f) => !meetsTarget(f));
    if (missed.length > 0) process.stdout.write(`targets missed: ${missed.map((f) => f.name).join(', ')}\n`);
  }
  for (const failure of report.failures) process.stderr.write(`benchmark ${failure.benchmark} failed\n`);
  return report.failures.length > 0 ? 1 : 0;
}
