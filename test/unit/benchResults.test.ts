import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, resultFileName } from '../../bench/runBenchmarks';

describe('benchmark result files', () => {
  it('names every run by its UTC second and host, a quick run with -quick, so no run overwrites another', () => {
    expect(resultFileName('2026-11-26T15:00:07.898Z', 'vm', { quick: false })).toBe(
      '2026-11-26T15-00-07Z-vm.json',
    );
    expect(resultFileName('2026-11-26T15:00:07.898Z', 'vm', { quick: true })).toBe(
      '2026-11-26T15-00-07Z-vm-quick.json',
    );
    expect(resultFileName('2026-11-26T15:00:08.001Z', 'vm', { quick: false })).not.toBe(
      resultFileName('2026-11-26T15:00:07.898Z', 'vm', { quick: false }),
    );
  });

  it('gives a run of some benchmarks its own file, so it never overwrites the whole run', () => {
    // Prepare
    const options = parseBenchArgs(['--quick', '--only', 'Cold Start']);

    // Act
    const name = resultFileName('2026-11-26T15:04:09.745Z', 'vm', options);

    // Assess
    expect(name).toBe('2026-11-26T15-04-09Z-vm-quick-only-cold-start.json');
    expect(name).not.toBe(resultFileName('2026-11-26T15:04:09.745Z', 'vm', { quick: true }));
  });
});

describe('npm run bench', () => {
  // npm and tsx start in a second or two, more on a loaded two-core box.
  it('runs bench/cli.ts, which refuses an unknown argument before starting any server', {
    timeout: 30_000,
  }, () => {
    // Act
    const run = spawnSync('npm', ['run', '--silent', 'bench', '--', '--bogus'], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('bench: unknown argument "--bogus"');
  });
});
