import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type LiveStats, LiveView, renderLiveView, renderPlainLine } from '../../../local/demo/LiveView';
import { latencyPercentiles, latencySummary } from '../../../local/demo/latencyPercentiles';

const stats: LiveStats = {
  phase: 'running',
  elapsedMs: 12_300,
  written: { click: 40, telemetry: 25, session: 15, product: 10, order: 9, poison: 1, reading: 0 },
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

describe('latencySummary', () => {
  const samples = [
    { at: 1_000, ms: 4_000, path: 'order' },
    { at: 5_000, ms: 3_500, path: 'click' },
    { at: 21_000, ms: 900, path: 'order' },
    { at: 25_000, ms: 1_100, path: 'click' },
    { at: 30_000, ms: 700, path: 'click' },
  ];

  it('reports the probes of events written in the warm-up apart, timeouts included', () => {
    // Act
    const summary = latencySummary(
      samples,
      [
        { at: 2_000, path: 'order' },
        { at: 26_000, path: 'click' },
      ],
      20_000,
      20_000,
    );

    // Assess
    expect(summary).toMatchObject({ samples: 3, timeouts: 1, p50: 900, p99: 1_100, max: 1_100 });
    expect(summary.byPath).toEqual({
      click: { samples: 2, p50: 700, p99: 1_100, timeouts: 1 },
      order: { samples: 1, p50: 900, p99: 900 },
    });
    expect(summary.warmup).toEqual({
      ms: 20_000,
      samples: 2,
      timeouts: 1,
      p50: 3_500,
      p95: 4_000,
      p99: 4_000,
      max: 4_000,
    });
  });

  it('counts every probe without a warm-up', () => {
    // Act
    const summary = latencySummary(samples, [], Number.NEGATIVE_INFINITY, 0);

    // Assess
    expect(summary).toMatchObject({ samples: 5, timeouts: 0, max: 4_000 });
    expect(summary.warmup).toBeUndefined();
  });
});

describe('LiveView', () => {
  it('shows the warm-up figures, so marked, until a measured probe ends; then the measured ones', () => {
    // Prepare
    const warming: LiveStats = {
      ...stats,
      latency: latencySummary([{ at: 1_000, ms: 3_000, path: 'a' }], [], 20_000, 20_000),
    };
    const measured: LiveStats = {
      ...stats,
      latency: latencySummary(
        [
          { at: 1_000, ms: 3_000, path: 'a' },
          { at: 21_000, ms: 800, path: 'a' },
        ],
        [],
        20_000,
        20_000,
      ),
    };

    // Act
    const before = renderLiveView(warming).join('\n');
    const after = renderLiveView(measured).join('\n');

    // Assess
    expect(before).toContain(
      'latency   warming up (first 20 s, reported apart): p50 3000ms · p99 3000ms (1 samples)',
    );
    expect(renderPlainLine(warming)).toContain('p99=- warmingUp');
    expect(after).toContain('latency   p50 800ms · p95 800ms · p99 800ms (1 samples, after the first 20 s)');
    expect(renderPlainLine(measured)).not.toContain('warmingUp');
  });

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

  it('counts in flight against what the last verification pass could see, and says how old it is', () => {
    // Act: 100 written now, 95 when the last pass began 42 s ago, which found 90 applied and 1 dead-lettered.
    const lines = renderLiveView({ ...stats, lastPass: { agoMs: 42_400, written: 95 } }).join('\n');

    // Assess
    expect(lines).toContain(
      'applied   90 verified in the sinks · dead-lettered 1 · in flight 4 (pass 42s ago)',
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

describe('LiveView when the pipeline falls behind', () => {
  const servers = [
    { service: 'moto', cpuPercent: 97, rssBytes: 300 * 1_048_576 },
    { service: 'kafka', cpuPercent: 20, rssBytes: 500 * 1_048_576 },
    { service: 'kinesis', cpuPercent: 88, rssBytes: 200 * 1_048_576 },
  ];

  it('names the saturated servers, busiest first, only while the lag grows', () => {
    expect(renderLiveView({ ...stats, servers, lagGrowing: true }).join('\n')).toContain(
      'behind    lag growing: moto saturated (cpu 97%) · kinesis saturated (cpu 88%)',
    );
    expect(renderPlainLine({ ...stats, servers, lagGrowing: true })).toContain(' behind=moto,kinesis');
    expect(renderLiveView({ ...stats, servers, lagGrowing: false }).join('\n')).not.toContain('behind');
  });

  it('says so when no server is saturated', () => {
    const calm = servers.map((s) => ({ ...s, cpuPercent: 30 }));
    expect(renderLiveView({ ...stats, servers: calm, lagGrowing: true }).join('\n')).toContain(
      'no local server saturated',
    );
  });

  it('prints the write rate in the plain line', () => {
    expect(renderPlainLine(stats)).toContain(' rate=100/s ');
  });
});
