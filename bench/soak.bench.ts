/**
 * `npm run bench -- --only soak [--duration S] [--rate N] [--seed N]`: the soak (bench/soak/runSoak.ts),
 * run only when named. The rate defaults to half the sustained end-to-end rate of the newest kept whole
 * bench result. Writes `bench/results/soak-<time>.json` (one file per run, kept) and fails when anything
 * was lost, applied twice or mismatched, or a server's memory grew beyond the bound. Method and figures:
 * docs/performance.md ("Soak").
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, Figure } from './harness';
import { SUSTAINED_RATE } from './report/keptRuns';
import { SOAK_PLANS, SOAK_RATE_SHARE } from './soak/constants';
import { runSoak } from './soak/runSoak';
import type { SoakPlan, SoakResult } from './soak/types';

const resultsDir = join(import.meta.dirname, 'results');

/** `soak-2026-12-04T21-30-00Z.json`: unique per run, never one of the git-ignored `-only-` files. */
export function soakResultFileName(isoDate: string): string {
  return `soak-${isoDate.slice(0, 19).replace(/:/g, '-')}Z.json`;
}

/** Half the sustained rate of the newest kept whole-bench result (`<date>-<host>.json`). */
export function keptSustainedRate(dir = resultsDir): { rate: number; source: string } {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}-.+\.json$/.test(f) && !/-(quick|only-.*)\.json$/.test(f))
    .sort()
    .reverse();
  for (const file of files) {
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { figures?: Figure[] };
    const sustained = report.figures?.find((f) => f.name === SUSTAINED_RATE);
    if (sustained && sustained.value > 0)
      return {
        rate: Math.max(1, Math.round(sustained.value * SOAK_RATE_SHARE)),
        source: `${SOAK_RATE_SHARE * 100}% of ${sustained.value} events/s sustained in bench/results/${file}`,
      };
  }
  throw new Error('soak: no kept bench result with a sustained rate; pass --rate N');
}

export function soakFigures(result: SoakResult): Figure[] {
  const detail = {
    rate: result.rate,
    durationSeconds: result.durationSeconds,
    faults: result.faults.length,
    seed: result.seed,
  };
  const figures: Figure[] = [
    { name: 'soak events', value: result.events, unit: 'events', detail },
    { name: 'soak lost', value: result.lost, unit: 'events' },
    { name: 'soak double-applied', value: result.doubleApplied, unit: 'events' },
    { name: 'soak mismatched', value: result.mismatched, unit: 'checks' },
    { name: 'soak expired by TTL before verification', value: result.expired, unit: 'events' },
    {
      name: 'soak TTL deletes reaching Kafka',
      value: result.ttlExpiredEnvelopes.total,
      unit: 'envelopes',
      detail: result.ttlExpiredEnvelopes.byTopic,
    },
  ];
  for (const [service, rss] of Object.entries(result.rssMiB))
    figures.push({
      name: `soak ${service} RSS at end`,
      value: rss.endMiB ?? 0,
      unit: 'MiB',
      detail: {
        start: rss.startMiB ?? 'unknown',
        middle: rss.middleMiB ?? 'unknown',
        flat: String(rss.flat),
      },
    });
  return figures;
}

export const soak: Benchmark = {
  name: 'soak',
  onlyWhenNamed: true,
  async run(options) {
    const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
    const base = options.quick ? SOAK_PLANS.short : SOAK_PLANS.full;
    const durationMs = (options.durationSeconds ?? base.durationMs / 1000) * 1000;
    // A shorter run than planned still reads memory after a warm-up, at a third of it at most.
    const plan: SoakPlan = { ...base, durationMs, warmupMs: Math.min(base.warmupMs, durationMs / 3) };
    const { rate, source } = options.rate ? { rate: options.rate, source: '--rate' } : keptSustainedRate();
    const result = await runSoak({ plan, rate, rateSource: source, seed: options.seed ?? 1, log });
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, soakResultFileName(result.date));
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`soak: wrote ${file}`);
    if (!result.ok) throw new Error(`soak failed: ${result.failures.join('; ')}`);
    return soakFigures(result);
  },
};
