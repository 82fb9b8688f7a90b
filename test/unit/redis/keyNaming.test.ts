import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { KeyNaming, slotTag } from '../../../lambdas/kafka-to-redis/keyNaming';

describe('slotTag', () => {
  it('gives every one of the 16 384 slots a short tag that hashes to it', () => {
    // Act
    const tags = Array.from({ length: 16_384 }, (_, slot) => slotTag(slot));
    // Assess
    tags.forEach((tag, slot) => {
      expect(calculateSlot(tag)).toBe(slot);
    });
    expect(Math.max(...tags.map((t) => t.length))).toBeLessThanOrEqual(4);
  });

  it('is fixed: the first base-36 string of each slot, the same in every process', () => {
    expect(slotTag(calculateSlot('0'))).toBe('0');
    expect(slotTag(calculateSlot('z'))).toBe('z');
  });

  it.each([-1, 16_384, 1.5])('refuses %s', (slot) => {
    expect(() => slotTag(slot)).toThrow(RangeError);
  });
});

describe('KeyNaming', () => {
  it('names one watermark per partition and plain version keys on a single primary', () => {
    const naming = new KeyNaming({ cluster: false, consumerGroup: 'sink-a' });
    expect(naming.slotOf('views:home')).toBeUndefined();
    expect(naming.watermarkKey('clicks', 3, undefined)).toBe('sb:wm:sink-a:clicks:3');
    expect(naming.versionKey('product:p1')).toBe('sb:ver:product:p1');
  });

  it.each(['views:home', 'product:{tenant-a}:p1', '{x}', 'a{}b', 'é:ü', 'session:{'])(
    'puts the watermark and version keys of %j in its hash slot in cluster mode',
    (key) => {
      const naming = new KeyNaming({ cluster: true, consumerGroup: 'sink-a' });
      const slot = naming.slotOf(key) as number;
      expect(slot).toBe(calculateSlot(key));
      expect(calculateSlot(naming.watermarkKey('clicks.v1', 0, slot))).toBe(slot);
      expect(calculateSlot(naming.versionKey(key))).toBe(slot);
      expect(naming.watermarkKey('clicks.v1', 0, slot)).toMatch(/^sb:wm:\{[0-9a-z]+\}:sink-a:clicks\.v1:0$/);
    },
  );
});
