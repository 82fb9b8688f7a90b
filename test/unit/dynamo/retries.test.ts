import { describe, expect, it } from 'vitest';
import { isConditionFailure, isThrottle, isValidationError } from '../../../lambdas/kafka-to-dynamodb/errors';
import { mapConcurrently } from '../../../lambdas/kafka-to-dynamodb/mapConcurrently';
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

describe('DynamoDB error classification', () => {
  it.each([
    [{ name: 'ProvisionedThroughputExceededException' }, true],
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'RequestLimitExceeded' }, true],
    [{ name: 'InternalServerError' }, true],
    [{ name: 'Unknown', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'ConditionalCheckFailedException' }, false],
    [new Error('socket hang up'), false],
  ])('isThrottle(%j) is %s', (error, expected) => {
    // Act / Assess
    expect(isThrottle(error)).toBe(expected);
  });

  it('tells condition failures and validation errors apart', () => {
    // Act / Assess
    expect(isConditionFailure({ name: 'ConditionalCheckFailedException' })).toBe(true);
    expect(isValidationError({ name: 'ValidationException' })).toBe(true);
    expect(isConditionFailure({ name: 'ValidationException' })).toBe(false);
    expect(isValidationError(undefined)).toBe(false);
  });
});

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
