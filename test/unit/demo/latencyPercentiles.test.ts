import { describe, expect, it } from 'vitest';
import { latencyByPath, latencyTrend } from '../../../local/demo/latencyPercentiles';

/** `count` probes evenly over `[from, to)` ms of a run, each with the latency `ms(at)`. */
function probes(count: number, from: number, to: number, ms: (at: number) => number) {
  return Array.from({ length: count }, (_, i) => {
    const at = from + ((to - from) * i) / count;
    return { at, ms: ms(at) };
  });
}

describe('latencyTrend', () => {
  it('stays near zero when the latency is flat, whatever its spread', () => {
    const flat = probes(60, 0, 15_000, (at) => 800 + ((at * 7919) % 1500));
    expect(Math.abs(latencyTrend(flat) as number)).toBeLessThan(400);
  });

  it('shows the backlog a pipeline falling behind builds up', () => {
    // 20 % over capacity: the backlog grows by 0.2 s per second written.
    const behind = probes(60, 0, 15_000, (at) => 900 + 0.2 * at);
    expect(latencyTrend(behind)).toBeGreaterThan(1_500);
  });

  it('takes the probes of a run of hours (more than a call takes arguments)', () => {
    const many = probes(300_000, 0, 10 * 3_600_000, () => 1_000);
    expect(latencyTrend(many)).toBe(0);
  });

  it('gives no trend with too few probes in the first or last third', () => {
    expect(latencyTrend([])).toBeNull();
    expect(latencyTrend(probes(8, 0, 15_000, () => 1_000))).toBeNull();
    const lateOnly = [...probes(30, 10_000, 15_000, () => 1_000), { at: 0, ms: 1_000 }];
    expect(latencyTrend(lateOnly)).toBeNull();
  });
});

describe('latencyByPath', () => {
  it('gives each path its own percentiles, so the slow path behind the overall tail shows', () => {
    const samples = [
      ...[900, 1_000, 1_100].map((ms) => ({ path: 'click→redis counter', ms })),
      ...[2_800, 3_300, 3_000, 2_900].map((ms) => ({ path: 'telemetry→dynamodb series', ms })),
    ];
    expect(latencyByPath(samples)).toEqual({
      'click→redis counter': { samples: 3, p50: 1_000, p99: 1_100 },
      'telemetry→dynamodb series': { samples: 4, p50: 2_900, p99: 3_300 },
    });
    expect(latencyByPath([])).toEqual({});
  });

  it('names the path of each probe that timed out, a path with no sample included', () => {
    const samples = [{ path: 'click→redis counter', ms: 900 }];
    expect(
      latencyByPath(samples, ['session→redis hash', 'click→redis counter', 'session→redis hash']),
    ).toEqual({
      'click→redis counter': { samples: 1, p50: 900, p99: 900, timeouts: 1 },
      'session→redis hash': { samples: 0, p50: null, p99: null, timeouts: 2 },
    });
  });
});
