import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../lambdas/kafka-to-dynamodb/RetryBudget';

const fast = { baseDelayMs: 1, maxDelayMs: 4, reserveMs: 100, maxRetries: 5 };

describe('RetryBudget', () => {
  it('grants at most maxRetries waits', async () => {
    // Prepare
    const budget = new RetryBudget(() => 60_000, fast);

    // Act
    const granted: boolean[] = [];
    for (let i = 0; i < 7; i++) granted.push(await budget.wait());

    // Assess
    expect(granted).toEqual([true, true, true, true, true, false, false]);
    expect(budget.retries).toBe(5);
  });

  it('stops as soon as the invocation’s remaining time falls under the reserve', async () => {
    // Prepare
    let remaining = 150;
    const budget = new RetryBudget(() => remaining, { ...fast, maxDelayMs: 40, baseDelayMs: 40 });

    // Act
    const first = await budget.wait();
    remaining = 100;
    const second = await budget.wait();

    // Assess
    expect([first, second]).toEqual([true, false]);
  });

  it('caps each wait at maxDelayMs', async () => {
    // Prepare
    const budget = new RetryBudget(() => 60_000, {
      baseDelayMs: 10,
      maxDelayMs: 20,
      reserveMs: 0,
      maxRetries: 8,
    });

    // Act
    const started = Date.now();
    for (let i = 0; i < 8; i++) await budget.wait();

    // Assess
    expect(Date.now() - started).toBeLessThan(8 * 20 + 200);
  });
});
