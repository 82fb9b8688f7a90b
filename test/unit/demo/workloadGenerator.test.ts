import { describe, expect, it } from 'vitest';
import { Prng } from '../../../local/demo/Prng';
import type { DemoEvent, OrderEvent, SessionEvent, TelemetryEvent } from '../../../local/demo/types';
import { WorkloadGenerator } from '../../../local/demo/WorkloadGenerator';
import { T0 } from './factories';

function generate(
  count: number,
  options: { seed?: number; poison?: number; total?: number } = {},
): DemoEvent[] {
  let now = T0;
  const generator = new WorkloadGenerator({
    seed: options.seed ?? 1,
    runTag: 'tag1',
    poison: options.poison,
    totalEvents: options.total,
    clock: () => now++,
  });
  return Array.from({ length: count }, () => generator.next());
}

describe('Prng', () => {
  it('repeats its sequence for a seed and stays in range', () => {
    // Prepare
    const a = new Prng(42);
    const b = new Prng(42);
    // Act
    const rollsA = Array.from({ length: 100 }, () => a.int(1, 6));
    const rollsB = Array.from({ length: 100 }, () => b.int(1, 6));
    // Assess
    expect(rollsA).toEqual(rollsB);
    expect(Math.min(...rollsA)).toBe(1);
    expect(Math.max(...rollsA)).toBe(6);
    expect(new Prng(43).next()).not.toBe(new Prng(42).next());
  });

  it('rejects a non-integer seed', () => {
    expect(() => new Prng(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('WorkloadGenerator', () => {
  it('generates the same workload for the same seed and a different one for another seed', () => {
    // Act
    const first = generate(500, { seed: 7 });
    const second = generate(500, { seed: 7 });
    const other = generate(500, { seed: 8 });
    // Assess
    expect(first).toEqual(second);
    expect(other).not.toEqual(first);
  });

  it('mixes every kind and tags every identifier with the run tag', () => {
    // Act
    const events = generate(2000);
    // Assess
    const kinds = new Set(events.map((e) => e.kind));
    expect(kinds).toEqual(new Set(['click', 'telemetry', 'session', 'product', 'order', 'reading']));
    for (const event of events) {
      const id =
        'page' in event && event.kind === 'click'
          ? event.page
          : 'deviceId' in event
            ? event.deviceId
            : 'sessionId' in event
              ? event.sessionId
              : 'productId' in event
                ? event.productId
                : (event as OrderEvent).orderId;
      expect(id).toContain('tag1');
    }
  });

  it('spreads exactly the requested poison records over a known total', () => {
    // Act
    const events = generate(1000, { poison: 10, total: 1000 });
    // Assess
    const positions = events.flatMap((e, i) => (e.kind === 'poison' ? [i] : []));
    expect(positions).toHaveLength(10);
    expect(positions[0]).toBeGreaterThan(50);
    expect(positions[9]).toBeLessThan(950);
    const markers = events.flatMap((e) => (e.kind === 'poison' ? [e.marker] : []));
    expect(new Set(markers).size).toBe(10);
    expect(new Set(events.flatMap((e) => (e.kind === 'poison' ? [e.variant] : [])))).toEqual(
      new Set(['click-not-json', 'product-schema']),
    );
  });

  it('keeps per-entity order: readings increase, sessions and orders count up by one', () => {
    // Act
    const events = generate(3000);
    // Assess
    const lastTs = new Map<string, number>();
    for (const e of events.filter((e): e is TelemetryEvent => e.kind === 'telemetry')) {
      expect(e.ts).toBeGreaterThan(lastTs.get(e.deviceId) ?? 0);
      lastTs.set(e.deviceId, e.ts);
    }
    const seq = new Map<string, number>();
    const ended = new Set<string>();
    for (const e of events.filter((e): e is SessionEvent => e.kind === 'session')) {
      expect(ended.has(e.sessionId)).toBe(false);
      if (e.action === 'end') {
        expect(e.seq).toBe(seq.get(e.sessionId));
        ended.add(e.sessionId);
      } else expect(e.seq).toBe((seq.get(e.sessionId) ?? 0) + 1);
      seq.set(e.sessionId, e.seq);
    }
    expect(ended.size).toBeGreaterThan(0);
    const version = new Map<string, number>();
    for (const e of events.filter((e): e is OrderEvent => e.kind === 'order')) {
      expect(e.version).toBe((version.get(e.orderId) ?? 0) + 1);
      expect(e.eventId).toBe(`${e.orderId}-v${e.version}`);
      version.set(e.orderId, e.version);
    }
  });
});
