/** Record factories and fakes shared by the runtime unit tests. */
import type { InvocationResult } from '../../../local/runtime/environment/types';
import type { DeliveryHooks } from '../../../local/runtime/pollers/deliverBatch';
import { streamFailureIndex } from '../../../local/runtime/pollers/partialBatchResponse';
import type { Discarded, SourceRecord } from '../../../local/runtime/pollers/types';
import type { LocalEventSourceMapping } from '../../../local/runtime/types';

export type TestRecord = SourceRecord<{ id: string; key: string }>;

/** Records with positions `first`, `first+1`, …, arriving `ageMs` ago, keyed round-robin over `keys`. */
export function records(
  count: number,
  options: { first?: number; ageMs?: number; keys?: readonly string[] } = {},
): TestRecord[] {
  const { first = 1, ageMs = 0, keys = ['k'] } = options;
  return Array.from({ length: count }, (_, index) => {
    const position = String(first + index);
    const key = keys[index % keys.length] as string;
    return {
      position,
      arrivalMs: Date.now() - ageMs,
      orderKey: key,
      eventRecord: { id: position, key },
      sizeBytes: 50,
    };
  });
}

export function positions(list: readonly SourceRecord[]): string[] {
  return list.map((record) => record.position);
}

export function success(payload: unknown = null): InvocationResult {
  return { ok: true, payload, requestId: 'req-ok', durationMs: 1, coldStart: false };
}

export function functionError(kind: 'handled' | 'timeout' | 'crash' = 'handled'): InvocationResult {
  return {
    ok: false,
    kind,
    error: { errorType: 'Error', errorMessage: 'boom' },
    requestId: 'req-failed',
    durationMs: 1,
    coldStart: false,
  };
}

export function partialFailure(...ids: string[]): InvocationResult {
  return success({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) });
}

/** A mapping with the AWS defaults the template would give, overridable per test. */
export function mapping(overrides: Partial<LocalEventSourceMapping> = {}): LocalEventSourceMapping {
  return {
    logicalId: 'TestMapping',
    functionLogicalId: 'TestFunction',
    kind: 'kinesis',
    sourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/test',
    enabled: true,
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    startingPosition: 'TRIM_HORIZON',
    parallelizationFactor: 1,
    bisectOnError: false,
    maxRetryAttempts: -1,
    maxRecordAgeSeconds: -1,
    reportBatchItemFailures: false,
    filters: [],
    ...overrides,
  };
}

/** Hooks around a scripted function: `respond` decides each invocation's result from its records. */
export function scriptedDelivery(
  respond: (batch: readonly TestRecord[], call: number) => InvocationResult,
  settings: Partial<DeliveryHooks<TestRecord>> = {},
) {
  const invocations: string[][] = [];
  const completed: string[] = [];
  const discarded: Discarded<TestRecord>[] = [];
  const controller = new AbortController();
  const hooks: DeliveryHooks<TestRecord> = {
    mappingId: 'TestMapping',
    maxRetryAttempts: -1,
    maxRecordAgeSeconds: -1,
    bisectOnError: false,
    reportBatchItemFailures: false,
    retryBackoffBaseMs: 1,
    retryBackoffMaxMs: 2,
    signal: controller.signal,
    now: Date.now,
    invoke: async (batch) => {
      invocations.push(positions(batch));
      return respond(batch, invocations.length);
    },
    failedIndex: streamFailureIndex,
    complete: (done) => {
      completed.push(...positions(done));
    },
    discard: async (entry) => {
      discarded.push(entry);
    },
    ...settings,
  };
  return { hooks, invocations, completed, discarded, controller };
}
