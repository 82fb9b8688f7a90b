import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../../lambdas/kafka-to-dynamodb/mapConcurrently';

describe('mapConcurrently', () => {
  it('keeps result order and never runs more than the limit at once', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);

    // Act
    const results = await mapConcurrently(items, 3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, (item * 7) % 5));
      running--;
      return item * 2;
    });

    // Assess
    expect(results).toEqual(items.map((i) => i * 2));
    expect(peak).toBe(3);
  });

  it('handles an empty list', async () => {
    // Act / Assess
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });
});
