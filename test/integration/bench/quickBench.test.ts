/**
 * CI smoke check of `npm run bench -- --quick`: every benchmark module still runs against the local servers
 * and gives finite figures. Targets are reported by the benchmarks, not asserted here: absolute speed on a
 * shared CI box is noise, a crashed or silently empty benchmark is not, and neither is a lost or doubled
 * effect in the end-to-end run.
 */
import { describe, expect, it } from 'vitest';
import { discoverBenchmarks, runBenchmarks } from '../../../bench/runBenchmarks';

describe('npm run bench -- --quick', () => {
  it('runs every benchmark to finite figures without a failure', { timeout: 300_000 }, async () => {
    // Prepare
    const expected = (await discoverBenchmarks()).filter((b) => !b.onlyWhenNamed).map((b) => b.name);

    // Act
    const report = await runBenchmarks({ quick: true, json: false, write: false });

    // Assess
    expect(report.failures.map((f) => `${f.benchmark}: ${f.error.split('\n')[0]}`)).toEqual([]);
    expect(report.benchmarks.map((b) => b.name)).toEqual(expected);
    for (const benchmark of report.benchmarks) expect(benchmark.figures, benchmark.name).toBeGreaterThan(0);
    for (const figure of report.figures) {
      expect(Number.isFinite(figure.value), `${figure.name} = ${figure.value}`).toBe(true);
      if (figure.ratio !== undefined) expect(Number.isFinite(figure.ratio), figure.name).toBe(true);
      expect(figure.unit, figure.name).not.toBe('');
    }
    expect(new Set(report.figures.map((f) => f.name)).size).toBe(report.figures.length);
    // Speed is not asserted, correctness is: the end-to-end run loses nothing and applies nothing twice.
    const checked = report.figures.filter((f) => f.detail && 'lost' in f.detail);
    expect(checked.length).toBeGreaterThan(0);
    for (const figure of checked) {
      expect({ lost: figure.detail?.lost, doubleApplied: figure.detail?.doubleApplied }, figure.name).toEqual(
        {
          lost: 0,
          doubleApplied: 0,
        },
      );
    }
  });
});
