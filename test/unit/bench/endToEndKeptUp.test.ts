import { describe, expect, it } from 'vitest';
import { cpuText, keptUp } from '../../../bench/endToEnd.bench';

const step = { rate: 200, achieved: 199.5, drainMs: 3_500, lost: 0, stepMs: 15_000, latencyTrendMs: 120 };

describe('keptUp (end-to-end bench step)', () => {
  it('holds for a step at its rate with nothing lost, a short drain and flat latency', () => {
    expect(keptUp(step)).toBe(true);
    expect(keptUp({ ...step, latencyTrendMs: null })).toBe(true);
  });

  it('fails a step that missed its rate, lost an effect, drained long or whose latency grew', () => {
    expect(keptUp({ ...step, achieved: 170 })).toBe(false);
    expect(keptUp({ ...step, lost: 1 })).toBe(false);
    expect(keptUp({ ...step, drainMs: 8_001 })).toBe(false);
    expect(keptUp({ ...step, latencyTrendMs: 2_001 })).toBe(false);
  });

  it('allows a longer step a drain in proportion to it', () => {
    expect(keptUp({ ...step, stepMs: 60_000, drainMs: 17_000 })).toBe(true);
    expect(keptUp({ ...step, stepMs: 60_000, drainMs: 18_001 })).toBe(false);
  });
});

describe('cpuText (end-to-end bench step)', () => {
  it('lists the parts busiest first, in % of one core, then the machine', () => {
    expect(
      cpuText({
        parts: { kafka: 9, moto: 92, functions: 30 },
        machinePercent: 85,
        otherPercent: 39,
        cores: 2,
      }),
    ).toBe(
      'moto 92 %, functions 30 %, kafka 9 %, everything else 39 % (% of one core); machine 85 % of 2 cores',
    );
    expect(cpuText({ parts: { moto: 50 }, cores: 2 })).toBe('moto 50 % (% of one core)');
  });
});
