/** Errors of the DynamoDB sink and the classification of DynamoDB errors it acts on. */
import { THROTTLING_ERRORS } from './constants';

interface ServiceErrorShape {
  readonly name?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function errorName(error: unknown): string {
  const name = (error as ServiceErrorShape | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** DynamoDB shed the request (throttled or briefly unavailable): retry it with backoff. */
export function isThrottle(error: unknown): boolean {
  if (THROTTLING_ERRORS.has(errorName(error))) return true;
  const status = (error as ServiceErrorShape | null)?.$metadata?.httpStatusCode;
  return status === 500 || status === 503;
}

/** A write's condition did not hold (watermark, version or sequence number showed it stale). */
export function isConditionFailure(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}

/** DynamoDB rejected the request's content: retrying the same item can never succeed. */
export function isValidationError(error: unknown): boolean {
  return errorName(error) === 'ValidationException';
}

/** Items still unwritten when the retry budget ran out (throttling or UnprocessedItems that never cleared). */
export class UnwrittenItemsError extends Error {
  readonly count: number;

  constructor(count: number, cause: unknown) {
    super(
      `${count} item(s) not written within the invocation's time: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'UnwrittenItemsError';
    this.count = count;
  }
}
