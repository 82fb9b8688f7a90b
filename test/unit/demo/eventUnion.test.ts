import { describe, expect, it } from 'vitest';
import { eventUnion } from '../../../local/demo/eventUnion';

describe('eventUnion', () => {
  it('counts an event named by two checks once and events named by different checks each', () => {
    // Act
    const union = eventUnion(['a', 'b', 'a', 'c'], []);
    // Assess
    expect(union).toEqual(new Set(['a', 'b', 'c']));
  });

  it('explains a shortfall with an event already named when it is among the candidates', () => {
    // Act
    const union = eventUnion(['c2'], [{ events: 1, among: ['c1', 'c2', 'c3'] }]);
    // Assess
    expect(union).toEqual(new Set(['c2']));
  });

  it('adds events for shortfalls over keys that share no event', () => {
    // Act
    const union = eventUnion(
      [],
      [
        { events: 1, among: ['c1', 'c2'] },
        { events: 2, among: ['c3', 'c4', 'c5'] },
      ],
    );
    // Assess
    expect(union.size).toBe(3);
  });

  it('lets one event explain overlapping shortfalls of several checks', () => {
    // Prepare: a counter key, an aggregate key and a leaderboard member that all contain c2
    const shortfalls = [
      { events: 1, among: ['c1', 'c2'] },
      { events: 1, among: ['c2', 'c3'] },
      { events: 1, among: ['c2', 'c4'] },
    ];
    // Act
    const union = eventUnion([], shortfalls);
    // Assess
    expect(union).toEqual(new Set(['c2']));
  });

  it('never picks more candidates than a shortfall has', () => {
    // Act
    const union = eventUnion([], [{ events: 5, among: ['c1', 'c2'] }]);
    // Assess
    expect(union).toEqual(new Set(['c1', 'c2']));
  });

  it('handles tens of thousands of candidates in linear time', () => {
    // Prepare: everything lost from two checks over the same 50 000 events
    const ids = Array.from({ length: 50_000 }, (_, i) => `c${i}`);
    const groups = Array.from({ length: 100 }, (_, g) => ids.slice(g * 500, (g + 1) * 500));
    const shortfalls = [...groups.map((among) => ({ events: 500, among })), { events: 50_000, among: ids }];
    // Act
    const started = performance.now();
    const union = eventUnion([], shortfalls);
    // Assess
    expect(union.size).toBe(50_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
