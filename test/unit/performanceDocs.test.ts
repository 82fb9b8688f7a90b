import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Figure } from '../../bench/harness';
import { canPrice, handlerCosts, perMillionAtRate } from '../../bench/report/costModel';
import {
  fullRuns,
  type KeptRun,
  readKeptRuns,
  recentSustainedRate,
  SUSTAINED_RATE,
} from '../../bench/report/keptRuns';
import { formatNumber, renderReadme, spreadsTable } from '../../bench/report/performancePage';
import { PRICES } from '../../bench/report/prices';
import { generatedPerformanceDocs, PERFORMANCE_PAGE, README } from '../../bench/report/writeDocs';
import type { BenchReport } from '../../bench/runBenchmarks';

function run(file: string, date: string, figures: Figure[], quick = false): KeptRun {
  const report: BenchReport = {
    date,
    host: 'vm',
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, node: 'v20' },
    quick,
    figures,
    benchmarks: [],
    failures: [],
  };
  return { file, report };
}

const figure = (name: string, value: number, detail?: Record<string, number>): Figure => ({
  name,
  value,
  unit: 'records/s',
  ...(detail ? { detail } : {}),
});

describe('performance docs generated from the kept runs', () => {
  it('docs/performance.md and the README block are what the kept runs generate (run `npm run docs`)', () => {
    const generated = generatedPerformanceDocs();
    expect(readFileSync(PERFORMANCE_PAGE, 'utf8')).toBe(generated.page);
    expect(readFileSync(README, 'utf8')).toBe(generated.readme);
  });

  it('quotes no figure the newest run lacks: a stale name fails the generation, naming it', () => {
    const runs = [run('bench/results/a.json', '2026-12-01T00:00:00Z', [figure('other', 1)])];
    expect(() =>
      renderReadme(
        'x <!-- performance:begin (generated from bench/results by `npm run docs`) --> <!-- performance:end -->',
        runs,
      ),
    ).toThrow(/bench\/results\/a\.json has no figure named/);
  });

  it('keeps every full and quick run, never an -only- run or another kind of result, oldest first by the run date', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kept-'));
    const write = (name: string, date: string, quick = false) =>
      writeFileSync(join(dir, name), JSON.stringify(run(name, date, [], quick).report));
    write('z-first.json', '2026-12-01T00:00:00Z');
    write('a-second.json', '2026-12-02T00:00:00Z');
    write('b-quick.json', '2026-12-03T00:00:00Z', true);
    write('c-vm-only-soak.json', '2026-12-04T00:00:00Z');
    writeFileSync(join(dir, 'soak-2026-12-04.json'), JSON.stringify({ kind: 'soak', events: 1 }));

    const runs = readKeptRuns(dir);

    expect(runs.map((r) => r.file)).toEqual([
      'bench/results/z-first.json',
      'bench/results/a-second.json',
      'bench/results/b-quick.json',
    ]);
    expect(fullRuns(runs).map((r) => r.file)).toEqual([
      'bench/results/z-first.json',
      'bench/results/a-second.json',
    ]);
  });

  it('computes each spread over the kept runs that have the figure', () => {
    const runs = [
      run('r1', '1', [figure('f', 100), figure('g', 5)]),
      run('r2', '2', [figure('f', 300)]),
      run('r3', '3', [figure('f', 200), figure('g', 7)]),
    ];
    const table = spreadsTable(runs, runs[2] as KeptRun);
    expect(table).toContain('| f | 200 records/s | 3 | 100 – 300, median 200 |');
    expect(table).toContain('| g | 7 records/s | 2 | 5 – 7, median 6 |');
  });

  it('takes the typical sustained rate as the median of the newest five full runs that recorded one', () => {
    // Prepare: an old slow run, a quick run and a run without the figure are not counted; one slow newest run
    // does not move the median.
    const sustained = (value: number) => figure(SUSTAINED_RATE, value);
    const runs = [
      run('a.json', '2026-12-01', [sustained(100)]),
      ...[400, 500, 500, 400].map((v, i) => run(`b${i}.json`, `2026-12-0${2 + i}`, [sustained(v)])),
      run('quick.json', '2026-12-06', [sustained(20)], true),
      run('other.json', '2026-12-07', [figure('something else', 1)]),
      run('c.json', '2026-12-08', [sustained(200)]),
    ];

    // Act / Assess
    expect(recentSustainedRate(runs)).toBe(400);
    expect(recentSustainedRate(runs, 2)).toBe(300);
    expect(() => recentSustainedRate([run('q.json', '2026-12-01', [sustained(9)], true)])).toThrow(
      `no kept full run records "${SUSTAINED_RATE}"`,
    );
  });

  it('groups digits from 10 000 up', () => {
    expect(formatNumber(34636)).toBe('34 636');
    expect(formatNumber(2633)).toBe('2633');
    expect(formatNumber(1.34)).toBe('1.34');
  });
});

describe('cost model', () => {
  it('prices a handler from its interpolated time per invocation at the default batch size', () => {
    // 100 µs/record at 100 and at 1000 records: 50 ms for a 500-record invocation at every interpolation.
    const scaling = (handler: string) =>
      [10, 100, 1000, 10_000].map((size) =>
        figure(`scaling ${handler} batch ${size}`, 1, { usPerRecord: 100 }),
      );
    const kept = run('r', '1', ['cdc-bridge', 'redis-sink', 'dynamodb-sink'].flatMap(scaling));

    const [cdc] = handlerCosts(kept);

    expect(cdc?.batchSize).toBe(500);
    expect(cdc?.msPerInvocation).toBeCloseTo(50, 6);
    // 2000 invocations × 1 GB × (0.05 s / (1024/1769) vCPU) × Arm price + 2000 requests.
    const expected =
      2000 * 1 * (0.05 / (1024 / 1769)) * PRICES.lambda.armPerGbSecond +
      (2000 / 1e6) * PRICES.lambda.perMillionRequests;
    expect(cdc?.lambdaPerMillion).toBeCloseTo(expected, 9);
  });

  it("prices only a run that measured every handler's scaling curve", () => {
    expect(canPrice(run('r', '1', [figure('scaling cdc-bridge batch 10', 1)]))).toBe(false);
  });

  it('spreads a fixed hourly price over the events of an hour', () => {
    expect(perMillionAtRate(0.36, 100)).toBeCloseTo(1, 9);
  });
});
