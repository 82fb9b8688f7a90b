/**
 * The error handling of stream and Kafka event source mappings for one batch (record age, bisect, partial
 * batch responses, retries, on-failure destination), until every record is processed or given up on, in
 * order. The rules, with their AWS pages, are in docs/local-runtime.md.
 */
import type { InvocationResult } from '../environment/types';
import type { LocalEventSourceMapping } from '../types';
import { abortableSleep } from './abortableSleep';
import { POLLER_LIMITS } from './constants';
import { PollerStoppedError } from './errors';
import type { FailureIndex } from './partialBatchResponse';
import type { Discarded, PollerSettings, SourceRecord } from './types';

export interface DeliveryHooks<R extends SourceRecord> {
  readonly mappingId: string;
  /** -1: unbounded. */
  readonly maxRetryAttempts: number;
  /** -1: unbounded. */
  readonly maxRecordAgeSeconds: number;
  readonly bisectOnError: boolean;
  readonly reportBatchItemFailures: boolean;
  readonly retryBackoffBaseMs: number;
  readonly retryBackoffMaxMs: number;
  readonly signal: AbortSignal;
  now(): number;
  /** Invokes the function with these records; throws only when the runtime is stopping. */
  invoke(records: readonly R[]): Promise<InvocationResult>;
  /** Reads the partial batch response of a successful invocation. */
  failedIndex(payload: unknown, records: readonly R[]): FailureIndex;
  /** Records done (processed, filtered or discarded), always an in-order prefix of what is left. */
  complete(records: readonly R[]): Promise<void> | void;
  /** Sends records given up on to the on-failure destination. */
  discard(discarded: Discarded<R>): Promise<void>;
  /** Called between attempts of long retries (Kafka heartbeats). */
  idle?(): Promise<void>;
}

/** The delivery settings a mapping and the poller settings give (the hooks' first seven fields). */
export function mappingDeliverySettings(
  mapping: LocalEventSourceMapping,
  settings: PollerSettings,
): Pick<
  DeliveryHooks<SourceRecord>,
  | 'mappingId'
  | 'maxRetryAttempts'
  | 'maxRecordAgeSeconds'
  | 'bisectOnError'
  | 'reportBatchItemFailures'
  | 'retryBackoffBaseMs'
  | 'retryBackoffMaxMs'
> {
  return {
    mappingId: mapping.logicalId,
    maxRetryAttempts: mapping.maxRetryAttempts,
    maxRecordAgeSeconds: mapping.maxRecordAgeSeconds,
    bisectOnError: mapping.bisectOnError,
    reportBatchItemFailures: mapping.reportBatchItemFailures,
    retryBackoffBaseMs: settings.retryBackoffBaseMs,
    retryBackoffMaxMs: settings.retryBackoffMaxMs,
  };
}

interface Attempts {
  /** Consecutive failed invocations since the checkpoint last moved. */
  failures: number;
  /** Invocations that carried the records still pending. */
  invocations: number;
  last?: InvocationResult;
}

function expiredPrefix<R extends SourceRecord>(records: readonly R[], hooks: DeliveryHooks<R>): number {
  if (hooks.maxRecordAgeSeconds < 0) return 0;
  const oldestAllowed = hooks.now() - hooks.maxRecordAgeSeconds * 1000;
  let count = 0;
  while (count < records.length && (records[count] as R).arrivalMs < oldestAllowed) count++;
  return count;
}

function exhausted(failures: number, maxRetryAttempts: number): boolean {
  return maxRetryAttempts >= 0 && failures > maxRetryAttempts;
}

async function backoff<R extends SourceRecord>(failures: number, hooks: DeliveryHooks<R>): Promise<void> {
  const delay = Math.min(hooks.retryBackoffBaseMs * 2 ** (failures - 1), hooks.retryBackoffMaxMs);
  await hooks.idle?.();
  await abortableSleep(delay, hooks.signal);
}

/** An invocation that already carried the records (with others) and failed: where delivery goes on from. */
export interface FailedAttempt {
  readonly result: InvocationResult;
  /** The index of the first failed record (partial batch response), or `invalid` for a whole failure. */
  readonly failed: number | 'invalid';
}

async function deliverPart<R extends SourceRecord>(
  part: readonly R[],
  attempts: Attempts,
  hooks: DeliveryHooks<R>,
  firstAttempt?: FailedAttempt,
): Promise<void> {
  let pending = part;
  let { failures, invocations, last } = attempts;
  // A failed invocation made by the caller stands for this loop's first one.
  let preset = firstAttempt;
  while (pending.length > 0) {
    if (hooks.signal.aborted) throw new PollerStoppedError(hooks.mappingId);
    let result: InvocationResult;
    let failed: FailureIndex;
    if (preset) {
      ({ result, failed } = preset);
      preset = undefined;
    } else {
      const expired = expiredPrefix(pending, hooks);
      if (expired > 0) {
        const records = pending.slice(0, expired);
        await hooks.discard({
          records,
          condition: 'RecordAgeExceeded',
          invokeCount: invocations,
          ...(last ? { lastResult: last } : {}),
        });
        await hooks.complete(records);
        pending = pending.slice(expired);
        failures = 0;
        continue;
      }
      const first = pending[0] as R;
      if (
        pending.length === 1 &&
        first.sizeBytes + POLLER_LIMITS.eventOverheadBytes > POLLER_LIMITS.maxPayloadBytes
      ) {
        await hooks.discard({ records: pending, condition: 'MaximumPayloadSizeExceeded', invokeCount: 0 });
        await hooks.complete(pending);
        return;
      }
      result = await hooks.invoke(pending);
      invocations++;
      last = result;
      failed = result.ok
        ? hooks.reportBatchItemFailures
          ? hooks.failedIndex(result.payload, pending)
          : undefined
        : 'invalid';
    }
    if (failed === undefined) {
      await hooks.complete(pending);
      return;
    }
    if (failed === 'invalid') {
      // A function error, or a malformed partial response: the whole batch failed.
      if (hooks.bisectOnError && pending.length > 1) {
        const middle = Math.ceil(pending.length / 2);
        await deliverPart(pending.slice(0, middle), { failures, invocations, last }, hooks);
        await deliverPart(pending.slice(middle), { failures, invocations, last }, hooks);
        return;
      }
      failures++;
    } else if (failed > 0) {
      await hooks.complete(pending.slice(0, failed));
      pending = pending.slice(failed);
      failures = 1;
    } else {
      failures++;
    }
    if (exhausted(failures, hooks.maxRetryAttempts)) {
      await hooks.discard({
        records: pending,
        condition: 'RetryAttemptsExhausted',
        invokeCount: invocations,
        lastResult: result,
      });
      await hooks.complete(pending);
      return;
    }
    await backoff(failures, hooks);
  }
}

/**
 * Delivers one batch with the mapping's error handling; resolves when every record is done, throws
 * PollerStoppedError when the poller stops first (nothing after the last `complete` is checkpointed).
 * `firstAttempt`: the records were already invoked (in a larger batch) and that invocation failed; delivery
 * goes on as if it had been this batch's first (Kafka batches of several partitions, KafkaPoller).
 *
 * @example
 * ```ts
 * await deliverBatch(records, { ...mappingSettings, invoke, failedIndex, complete, discard, now, signal });
 * ```
 */
export async function deliverBatch<R extends SourceRecord>(
  records: readonly R[],
  hooks: DeliveryHooks<R>,
  firstAttempt?: FailedAttempt,
): Promise<void> {
  const attempts: Attempts = firstAttempt
    ? { failures: 0, invocations: 1, last: firstAttempt.result }
    : { failures: 0, invocations: 0 };
  await deliverPart(records, attempts, hooks, firstAttempt);
}
