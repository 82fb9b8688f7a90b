import { describe, expect, it } from 'vitest';
import { renderLiveView, renderPlainLine, renderServers } from '../../../local/demo/LiveView';
import { latencyPercentiles } from '../../../local/demo/latencyPercentiles';
import {
  parseProcStatCpuSeconds,
  parsePsUsage,
  parseVmRssBytes,
  readProcessSample,
} from '../../../local/demo/processSample';
import { ServerUsageSampler } from '../../../local/demo/ServerUsageSampler';
import type { ProcessSample } from '../../../local/demo/types';

const MiB = 1_048_576;

describe('processSample', () => {
  it('reads utime + stime from /proc/<pid>/stat, whatever the command name holds', () => {
    // Prepare: fields 14 and 15 are 250 and 150 ticks; the name has a space and a parenthesis
    const stat = '4242 (python (moto) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 4 0 5 0 0';

    // Act / Assess
    expect(parseProcStatCpuSeconds(stat)).toBe(4);
    expect(parseProcStatCpuSeconds('garbage')).toBeUndefined();
  });

  it('reads VmRSS from /proc/<pid>/status in bytes', () => {
    const status = 'Name:\tpython3\nVmPeak:\t  900000 kB\nVmRSS:\t  214016 kB\nRssAnon:\t  200000 kB\n';
    expect(parseVmRssBytes(status)).toBe(214_016 * 1024);
    expect(parseVmRssBytes('Name:\tzombie\n')).toBeUndefined();
  });

  it('reads `ps -o rss=,time=` lines (macOS has no /proc)', () => {
    expect(parsePsUsage(' 214016 01:02:03\n')).toEqual({ cpuSeconds: 3_723, rssBytes: 214_016 * 1024 });
    expect(parsePsUsage('1024 1-00:00:01.50')).toEqual({ cpuSeconds: 86_401.5, rssBytes: 1024 * 1024 });
    expect(parsePsUsage('')).toBeUndefined();
  });

  it("measures a real process: this one's resident memory, and nothing for a pid that does not exist", () => {
    // Act
    const sample = readProcessSample(process.pid);
    const rss = process.memoryUsage().rss;

    // Assess: the two readings are taken a moment apart
    expect(sample?.rssBytes).toBeGreaterThan(rss * 0.8);
    expect(sample?.rssBytes).toBeLessThan(rss * 1.25);
    expect(sample?.cpuSeconds).toBeGreaterThan(0);
    expect(readProcessSample(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('ServerUsageSampler', () => {
  it('gives CPU % from the CPU time used between two samples, and marks a process that went away', () => {
    // Prepare: moto uses 0.5 s of CPU per second of wall time, then exits
    const samples = new Map<number, ProcessSample[]>([
      [
        10,
        [
          { cpuSeconds: 1, rssBytes: 200 * MiB },
          { cpuSeconds: 1.5, rssBytes: 210 * MiB },
        ],
      ],
      [20, [{ cpuSeconds: 5, rssBytes: 8 * MiB }]],
    ]);
    let now = 1_000;
    const sampler = new ServerUsageSampler(
      [
        { service: 'moto', pid: 10 },
        { service: 'redis', pid: 20 },
      ],
      (pid) => samples.get(pid)?.shift(),
      () => now,
    );

    // Act
    const first = sampler.sample();
    now += 1_000;
    const second = sampler.sample();

    // Assess
    expect(first).toEqual([
      { service: 'moto', cpuPercent: null, rssBytes: 200 * MiB },
      { service: 'redis', cpuPercent: null, rssBytes: 8 * MiB },
    ]);
    expect(second).toEqual([
      { service: 'moto', cpuPercent: 50, rssBytes: 210 * MiB },
      { service: 'redis', cpuPercent: null, rssBytes: null },
    ]);
  });
});

describe('LiveView server line', () => {
  const stats = {
    phase: 'running' as const,
    elapsedMs: 61_000,
    written: { click: 4, telemetry: 3, session: 1, product: 1, order: 1, poison: 0, reading: 0 },
    rate: 100,
    lag: [],
    applied: 10,
    deadLettered: 0,
    latency: latencyPercentiles([10], 0),
    runTag: 'ab12cd',
    servers: [
      { service: 'kafka', cpuPercent: 12.4, rssBytes: 512 * MiB },
      { service: 'moto', cpuPercent: 35, rssBytes: 210.4 * MiB },
      { service: 'redis', cpuPercent: null, rssBytes: null },
    ],
  };

  it('shows each server’s memory next to its CPU', () => {
    // Act
    const lines = renderLiveView(stats);

    // Assess
    expect(lines).toContain('  servers   kafka cpu 12% mem 512 MB · moto cpu 35% mem 210 MB · redis down');
    expect(renderPlainLine(stats)).toContain('servers=kafka:512MB/12%,moto:210MB/35%,redis:-/-');
  });

  it('leaves the line out when the servers are not known', () => {
    const { servers: _none, ...withoutServers } = stats;
    expect(renderLiveView(withoutServers).join('\n')).not.toContain('servers');
    expect(renderServers([{ service: 'moto', cpuPercent: null, rssBytes: 64 * MiB }])).toBe(
      'moto cpu - mem 64 MB',
    );
  });
});
