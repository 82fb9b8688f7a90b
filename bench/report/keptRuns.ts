/**
 * The kept benchmark runs: every `bench/results/*.json` a full or quick `npm run bench` wrote (runs of some
 * benchmarks only, `-only-`, are not kept). The performance page and the README's figures are generated
 * from them, newest full run first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, median } from '../harness';
import type { BenchReport } from '../runBenchmarks';

/** A kept run and the file it came from (repository-relative, for links). */
export interface KeptRun {
  readonly file: string;
  readonly report: BenchReport;
}

/** Result files that are partial runs and never kept (git-ignored). */
const PARTIAL_RUN = /-only-|\.tmp\.json$/;

/** Whether a parsed results file is a `npm run bench` report (other result kinds, e.g. a soak, live beside). */
function isBenchReport(value: unknown): value is BenchReport {
  const report = value as Partial<BenchReport> | null;
  return (
    typeof report === 'object' &&
    report !== null &&
    typeof report.date === 'string' &&
    typeof report.quick === 'boolean' &&
    Array.isArray(report.figures) &&
    Array.isArray(report.benchmarks)
  );
}

/** Every kept run in `resultsDir`, oldest first (by the run's own date, not its file name). */
export function readKeptRuns(resultsDir: string, repoRelativeDir = 'bench/results'): KeptRun[] {
  const runs: KeptRun[] = [];
  for (const name of readdirSync(resultsDir)) {
    if (!name.endsWith('.json') || PARTIAL_RUN.test(name)) continue;
    const report: unknown = JSON.parse(readFileSync(join(resultsDir, name), 'utf8'));
    if (isBenchReport(report)) runs.push({ file: `${repoRelativeDir}/${name}`, report });
  }
  return runs.sort((a, b) => a.report.date.localeCompare(b.report.date));
}

/** The full (not quick) runs, oldest first. */
export function fullRuns(runs: readonly KeptRun[]): KeptRun[] {
  return runs.filter((run) => !run.report.quick);
}

/** The end-to-end figure the demo's default rate (the median below) and the soak's rate (the newest run's) come from. */
export const SUSTAINED_RATE = 'e2e sustained rate (lag does not grow)';
/** How many of the newest full runs the typical sustained rate is the median of. */
export const RECENT_RUNS = 5;

/**
 * The typical end-to-end sustained rate: the median over the newest `count` full runs that recorded one, so
 * one run on a machine that was slow that hour does not move what a default is held to.
 */
export function recentSustainedRate(runs: readonly KeptRun[], count = RECENT_RUNS): number {
  const rates = fullRuns(runs)
    .flatMap((run) => run.report.figures.filter((f) => f.name === SUSTAINED_RATE && f.value > 0))
    .map((figure) => figure.value)
    .slice(-count);
  if (rates.length === 0) throw new Error(`no kept full run records "${SUSTAINED_RATE}"`);
  return median(rates);
}

/** One figure of a run by name; throws naming the run when it has none (a page must not quote a gap). */
export function figureOf(run: KeptRun, name: string): Figure {
  const figure = run.report.figures.find((f) => f.name === name);
  if (!figure) throw new Error(`${run.file} has no figure named "${name}"`);
  return figure;
}

/** A kept soak result (`bench/results/soak-<time>.json`, written by `npm run bench -- --only soak`). */
export interface KeptSoak {
  readonly file: string;
  readonly result: Readonly<Record<string, unknown>> & { readonly kind: 'soak'; readonly date: string };
}

/** Every kept soak result in `resultsDir`, oldest first. */
export function readKeptSoaks(resultsDir: string, repoRelativeDir = 'bench/results'): KeptSoak[] {
  const soaks: KeptSoak[] = [];
  for (const name of readdirSync(resultsDir)) {
    if (!name.endsWith('.json') || PARTIAL_RUN.test(name)) continue;
    const result: unknown = JSON.parse(readFileSync(join(resultsDir, name), 'utf8'));
    const soak = result as KeptSoak['result'] | null;
    if (soak && typeof soak === 'object' && soak.kind === 'soak' && typeof soak.date === 'string')
      soaks.push({ file: `${repoRelativeDir}/${name}`, result: soak });
  }
  return soaks.sort((a, b) => a.result.date.localeCompare(b.result.date));
}
