import { describe, expect, it } from 'vitest';
import { readKeptRuns, recentSustainedRate } from '../../../bench/report/keptRuns';
import { RESULTS_DIR } from '../../../bench/report/writeDocs';
import { DEMO_DEFAULTS } from '../../../local/demo/constants';
import { DemoArgumentError } from '../../../local/demo/errors';
import { demoItemTtlSeconds, demoLatencyWarmupMs, parseDemoArgs } from '../../../local/demo/parseDemoArgs';

describe('parseDemoArgs', () => {
  it('reads every flag', () => {
    // Act
    const flags = parseDemoArgs([
      '--demo',
      '--events',
      '10000',
      '--rate',
      '500',
      '--seed',
      '42',
      '--poison',
      '5',
      '--json',
      '--duration',
      '1.5',
      '--no-synth',
      '--item-ttl',
      '600',
    ]);
    // Assess
    expect(flags).toMatchObject({
      events: 10_000,
      rate: 500,
      seed: 42,
      poison: 5,
      json: true,
      durationMs: 1500,
      synth: false,
      services: true,
      itemTtlSeconds: 600,
    });
  });

  it('defaults to an unbounded run with a random seed', () => {
    // Act
    const flags = parseDemoArgs(['--demo'], () => 7);
    // Assess
    expect(flags).toMatchObject({
      seed: 7,
      poison: 0,
      json: false,
      rate: DEMO_DEFAULTS.rate,
    });
    expect(flags.itemTtlSeconds).toBeUndefined();
    expect(flags.events).toBeUndefined();
    expect(flags.durationMs).toBeUndefined();
  });

  it.each([
    [['--events', '0'], /--events takes a positive integer \(got "0"\)/],
    [['--events', '1.5'], /--events takes a positive integer/],
    [['--rate', 'fast'], /--rate takes a positive number \(got "fast"\)/],
    [['--seed', '1.5'], /--seed takes an integer/],
    [['--item-ttl', '0'], /--item-ttl takes a positive integer \(got "0"\)/],
    [['--poison', 'x'], /--poison takes a whole number/],
    [['--events', '5', '--poison', '5'], /--poison \(5\) must be below --events \(5\)/],
    [['--speed', '3'], /Unknown option '--speed'/],
    [['extra'], /unexpected arguments: extra/],
  ])('rejects %j with a message naming the flag', (args, message) => {
    expect(() => parseDemoArgs(args)).toThrow(DemoArgumentError);
    expect(() => parseDemoArgs(args)).toThrow(message);
  });

  it('keeps items of a run of known length until its verification; a run until Ctrl-C gets the default', () => {
    // Act
    const unbounded = demoItemTtlSeconds(parseDemoArgs([]));
    const short = demoItemTtlSeconds(parseDemoArgs(['--events', '10000']));
    const hour = demoItemTtlSeconds(parseDemoArgs(['--duration', '3600', '--drain-timeout', '120']));
    const byCount = demoItemTtlSeconds(parseDemoArgs(['--events', '600000', '--rate', '100']));
    const explicit = demoItemTtlSeconds(parseDemoArgs(['--duration', '3600', '--item-ttl', '60']));

    // Assess
    expect(unbounded).toBe(DEMO_DEFAULTS.itemTtlSeconds);
    expect(short).toBe(DEMO_DEFAULTS.itemTtlSeconds);
    expect(hour).toBe(2 * 3600 + 120);
    expect(byCount).toBe(2 * 6000 + DEMO_DEFAULTS.drainTimeoutMs / 1000);
    expect(explicit).toBe(60);
  });
});

describe('demoLatencyWarmupMs', () => {
  it('gives a run until Ctrl-C the whole warm-up, and a short run at most a quarter of its length', () => {
    // Act
    const unbounded = demoLatencyWarmupMs(parseDemoArgs([]));
    const hour = demoLatencyWarmupMs(parseDemoArgs(['--duration', '3600']));
    const short = demoLatencyWarmupMs(parseDemoArgs(['--duration', '40']));
    const byCount = demoLatencyWarmupMs(parseDemoArgs(['--events', '2000', '--rate', '200']));

    // Assess
    expect(unbounded).toBe(DEMO_DEFAULTS.latencyWarmupMs);
    expect(hour).toBe(DEMO_DEFAULTS.latencyWarmupMs);
    expect(short).toBe(10_000);
    expect(byCount).toBe(2_500);
  });
});

describe('the default demo rate', () => {
  it('is 35–60 % of the typical end-to-end sustained rate of the kept bench runs (the median of the newest five)', () => {
    const sustained = recentSustainedRate(readKeptRuns(RESULTS_DIR));
    const share = DEMO_DEFAULTS.rate / sustained;
    expect(share).toBeGreaterThanOrEqual(0.35);
    expect(share).toBeLessThanOrEqual(0.6);
  });
});
