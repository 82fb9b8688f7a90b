import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../../bench/runBenchmarks';
import { CRASHABLE_SERVERS, SOAK_PLANS, STALLABLE_SERVERS } from '../../../bench/soak/constants';
import { faultSchedule } from '../../../bench/soak/faultSchedule';
import { isFlat } from '../../../bench/soak/runSoak';
import { keptSustainedRate, soakResultFileName } from '../../../bench/soak.bench';

const HOUR = 3_600_000;

describe('soak fault schedule', () => {
  it('gives the same schedule for a seed and another for another seed', () => {
    // Act
    const a = faultSchedule(SOAK_PLANS.full.faults, 7, HOUR);
    const b = faultSchedule(SOAK_PLANS.full.faults, 7, HOUR);
    const c = faultSchedule(SOAK_PLANS.full.faults, 8, HOUR);
    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('crashes each durable server and stalls each server at least once in an hour, with a function kill', () => {
    // Act
    const faults = faultSchedule(SOAK_PLANS.full.faults, 1, HOUR);
    // Assess
    const kinds = new Set(faults.map((f) => f.kind));
    for (const server of CRASHABLE_SERVERS) expect(kinds).toContain(`crash:${server}`);
    for (const server of STALLABLE_SERVERS) expect(kinds).toContain(`stall:${server}`);
    expect(kinds).toContain('kill:function');
    expect(kinds).not.toContain('crash:moto');
  });

  it('keeps the gaps, stall lengths and the quiet tail of the plan', () => {
    // Prepare
    const plan = SOAK_PLANS.full.faults;
    // Act
    const faults = faultSchedule(plan, 3, HOUR);
    // Assess
    expect(faults[0]?.atMs).toBe(plan.firstAtMs);
    for (const [i, fault] of faults.entries()) {
      expect(fault.atMs).toBeLessThanOrEqual(HOUR - plan.quietTailMs);
      if (i > 0) {
        const gap = fault.atMs - (faults[i - 1]?.atMs ?? 0);
        expect(gap).toBeGreaterThanOrEqual(plan.gapMs[0]);
        expect(gap).toBeLessThanOrEqual(plan.gapMs[1]);
      }
      if (fault.kind.startsWith('stall:')) {
        expect(fault.ms).toBeGreaterThanOrEqual(plan.stallMs[0]);
        expect(fault.ms).toBeLessThanOrEqual(plan.stallMs[1]);
      }
    }
  });

  it('injects exactly one crash, one stall and one function kill in the short version', () => {
    // Act
    const faults = faultSchedule(SOAK_PLANS.short.faults, 5, SOAK_PLANS.short.durationMs);
    // Assess
    expect(faults.map((f) => f.kind.split(':')[0]).sort()).toEqual(['crash', 'kill', 'stall']);
  });
});

describe('soak memory bound', () => {
  it('is flat within the growth share plus slack of the start, and not flat beyond it or unread', () => {
    expect(isFlat({ startMiB: 400, middleMiB: 480, endMiB: 560 })).toBe(true);
    expect(isFlat({ startMiB: 400, middleMiB: 300, endMiB: 200 })).toBe(true);
    expect(isFlat({ startMiB: 400, middleMiB: 480, endMiB: 600 })).toBe(false);
    expect(isFlat({ startMiB: null, middleMiB: 1, endMiB: 1 })).toBe(false);
    expect(isFlat({ startMiB: 400, middleMiB: 400, endMiB: null })).toBe(false);
  });
});

describe('soak result files and rate', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names each run by its time, never as a git-ignored -only- file', () => {
    // Act
    const name = soakResultFileName('2026-12-04T21:30:05.123Z');
    // Assess
    expect(name).toBe('soak-2026-12-04T21-30-05Z.json');
    expect(name).not.toMatch(/-only-/);
    expect(name).not.toBe(soakResultFileName('2026-12-04T21:30:06.001Z'));
  });

  it('runs at half the sustained rate of the newest kept whole-bench result', () => {
    // Prepare
    dir = mkdtempSync(join(tmpdir(), 'sb-soak-rate-'));
    const report = (value: number) =>
      JSON.stringify({
        figures: [{ name: 'e2e sustained rate (lag does not grow)', value, unit: 'events/s' }],
      });
    writeFileSync(join(dir, '2026-11-20-vm.json'), report(60));
    writeFileSync(join(dir, '2026-11-26-vm.json'), report(100));
    writeFileSync(join(dir, '2026-11-27-vm-quick.json'), report(20));
    writeFileSync(join(dir, '2026-11-28-vm-only-end-to-end.json'), report(10));
    // Act
    const { rate, source } = keptSustainedRate(dir);
    // Assess
    expect(rate).toBe(50);
    expect(source).toContain('2026-11-26-vm.json');
  });

  it('reads --duration, --rate and --seed, and refuses a rate that is not a positive number', () => {
    expect(
      parseBenchArgs(['--only', 'soak', '--duration', '3600', '--rate', '25', '--seed', '4']),
    ).toMatchObject({
      only: 'soak',
      durationSeconds: 3600,
      rate: 25,
      seed: 4,
    });
    expect(() => parseBenchArgs(['--rate', 'fast'])).toThrow(/--rate needs a positive number/);
  });
});
