import { describe, expect, it } from 'vitest';
import { isConditionFailure, isThrottle, isValidationError } from '../../../lambdas/kafka-to-dynamodb/errors';

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
