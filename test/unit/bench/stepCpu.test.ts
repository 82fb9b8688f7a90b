import { describe, expect, it } from 'vitest';
import { type CpuSnapshot, cpuSnapshot, parseProcStat, stepCpu } from '../../../bench/stepCpu';

describe('stepCpu (end-to-end bench: CPU of each part during a step)', () => {
  it('reads busy and total seconds of all cores from /proc/stat, idle and iowait not busy', () => {
    const text = 'cpu  1000 50 250 8000 200 10 40 0 0 0\ncpu0 500 25 125 4000 100 5 20 0 0 0\nintr 1\n';
    expect(parseProcStat(text)).toEqual({ busy: 13.5, total: 95.5 });
    expect(parseProcStat('intr 1\n')).toBeUndefined();
    expect(parseProcStat('cpu  a b c d e\n')).toBeUndefined();
  });

  it('gives each part its mean CPU in % of one core and the machine its busy share of all cores', () => {
    const before: CpuSnapshot = {
      atMs: 0,
      parts: { moto: 10, functions: 4, 'runtime and demo': 3 },
      machine: { busy: 100, total: 400 },
    };
    const after: CpuSnapshot = {
      atMs: 20_000,
      parts: { moto: 28.4, functions: 10, 'runtime and demo': 11, kafka: 5 },
      machine: { busy: 134, total: 440 },
    };
    expect(stepCpu(before, after, 2)).toEqual({
      parts: { moto: 92, functions: 30, 'runtime and demo': 40 },
      machinePercent: 85,
      otherPercent: 8,
      cores: 2,
    });
  });

  it('sums the processes of a part and leaves out a process gone since', () => {
    const seconds: Record<number, number> = { 1: 2.5, 2: 1.25 };
    const snapshot = cpuSnapshot({ functions: [1, 2, 3], moto: [2] }, (pid) =>
      seconds[pid] === undefined ? undefined : { cpuSeconds: seconds[pid] },
    );
    expect(snapshot.parts.functions).toBe(3.75);
    expect(snapshot.parts.moto).toBe(1.25);
    expect(snapshot.parts['runtime and demo']).toBeGreaterThan(0);
  });

  it('reports no machine share without /proc/stat readings and no parts over no time', () => {
    const at = { atMs: 5, parts: { moto: 1 } };
    expect(stepCpu(at, at, 2)).toEqual({ parts: {}, cores: 2 });
  });
});
