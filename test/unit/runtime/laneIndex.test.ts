import { describe, expect, it } from 'vitest';
import { laneIndex } from '../../../local/runtime/pollers/laneIndex';

describe('laneIndex', () => {
  it('keeps a key on one lane and spreads keys over all lanes', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    const lanes = new Set(keys.map((key) => laneIndex(key, 4)));

    expect(laneIndex('key-7', 4)).toBe(laneIndex('key-7', 4));
    expect(lanes).toEqual(new Set([0, 1, 2, 3]));
    expect(laneIndex('anything', 1)).toBe(0);
  });
});
