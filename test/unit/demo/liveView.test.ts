import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type LiveStats, LiveView, renderLiveView, renderPlainLine } from '../../../local/demo/LiveView';
import { latencyPercentiles } from '../../../local/demo/latencyPercentiles';

const stats: LiveStats = {
  phase: 'running',
  elapsedMs: 12_300,
  written: { click: 40, telemetry: 25, session: 15, product: 10, order: 9, poison: 1 },
  rate: 99.6,
  lag: [
    { group: 'streambridge-redis-sink', topic: 'clickstream', lag: 7, checkpointed: 33 },
    { group: 'streambridge-redis-sink', topic: 'sessions.changes', lag: 0, checkpointed: 15 },
  ],
  applied: 90,
  deadLettered: 1,
  latency: latencyPercentiles([10, 20, 30, 400], 0),
  runTag: 'ab12cd',
};

describe('latencyPercentiles', () => {
  it('takes nearest-rank percentiles and reports no value without samples', () => {
    expect(latencyPercentiles([5, 1, 9, 3], 1)).toEqual({
      samples: 4,
      timeouts: 1,
      p50: 3,
      p95: 9,
      p99: 9,
      max: 9,
    });
    expect(latencyPercentiles([], 0)).toMatchObject({ p50: null, p99: null, max: null });
  });
});

describe('LiveView', () => {
  it('renders written, applied, in-flight, latency and lag per sink', () => {
    // Act
    const lines = renderLiveView(stats).join('\n');
    // Assess
    expect(lines).toContain('written   100 events (100/s)');
    expect(lines).toContain('applied   90 verified in the sinks · dead-lettered 1 · in flight 9');
    expect(lines).toContain('p50 20ms · p95 400ms · p99 400ms (4 samples)');
    expect(lines).toContain(
      'streambridge-redis-sink: 48 records checkpointed · lag clickstream 7 · sessions.changes 0',
    );
  });

  it('redraws in place on a TTY and prints plain lines otherwise', () => {
    // Prepare
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const pipe = new PassThrough();
    const ttyView = new LiveView(tty);
    const pipeView = new LiveView(pipe);
    // Act
    ttyView.update(stats);
    ttyView.update(stats);
    pipeView.update(stats);
    pipeView.update(stats);
    // Assess
    const drawn = String(tty.read());
    expect(drawn.split(`${String.fromCharCode(27)}[0J`)).toHaveLength(2);
    expect(String(pipe.read())).toBe(`${renderPlainLine(stats)}\n`);
  });
});
