import { describe, expect, it } from 'vitest';
import { deliverBatch } from '../../../local/runtime/pollers/deliverBatch';
import { PollerStoppedError } from '../../../local/runtime/pollers/errors';
import { functionError, partialFailure, positions, records, scriptedDelivery, success } from './factories';

describe('deliverBatch', () => {
  it('completes the whole batch after one successful invocation', async () => {
    // Prepare
    const { hooks, invocations, completed, discarded } = scriptedDelivery(() => success());

    // Act
    await deliverBatch(records(3), hooks);

    // Assess
    expect(invocations).toEqual([['1', '2', '3']]);
    expect(completed).toEqual(['1', '2', '3']);
    expect(discarded).toEqual([]);
  });

  it('checkpoints before the lowest reported failure and retries from it', async () => {
    // Prepare: 4 fails once (reported with 5), then everything succeeds.
    const { hooks, invocations, completed } = scriptedDelivery(
      (_batch, call) => (call === 1 ? partialFailure('5', '4') : success()),
      { reportBatchItemFailures: true },
    );

    // Act
    await deliverBatch(records(6), hooks);

    // Assess
    expect(invocations).toEqual([
      ['1', '2', '3', '4', '5', '6'],
      ['4', '5', '6'],
    ]);
    expect(completed).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('ignores a partial response when ReportBatchItemFailures is off', async () => {
    const { hooks, invocations } = scriptedDelivery(() => partialFailure('2'));

    await deliverBatch(records(3), hooks);

    expect(invocations).toHaveLength(1);
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a bad key name', { batchItemFailures: [{ id: '2' }] }],
    ['an identifier outside the batch', { batchItemFailures: [{ itemIdentifier: '99' }] }],
  ])('treats %s as a failure of the whole batch', async (_what, payload) => {
    // Prepare
    const { hooks, invocations, discarded } = scriptedDelivery(() => success(payload), {
      reportBatchItemFailures: true,
      maxRetryAttempts: 1,
    });

    // Act
    await deliverBatch(records(3), hooks);

    // Assess: the first attempt and one retry carried all three records, then they were discarded.
    expect(invocations).toEqual([
      ['1', '2', '3'],
      ['1', '2', '3'],
    ]);
    expect(positions(discarded[0]?.records ?? [])).toEqual(['1', '2', '3']);
  });

  it.each([[null], [{}], [{ batchItemFailures: [] }], [{ batchItemFailures: null }]])(
    'treats %j as a complete success',
    async (payload) => {
      const { hooks, completed } = scriptedDelivery(() => success(payload), {
        reportBatchItemFailures: true,
      });

      await deliverBatch(records(2), hooks);

      expect(completed).toEqual(['1', '2']);
    },
  );

  it('sends the batch to the on-failure destination after MaximumRetryAttempts retries', async () => {
    // Prepare
    const { hooks, invocations, completed, discarded } = scriptedDelivery(() => functionError(), {
      maxRetryAttempts: 2,
    });

    // Act
    await deliverBatch(records(2), hooks);

    // Assess: 1 attempt + 2 retries, then discarded and done.
    expect(invocations).toHaveLength(3);
    expect(discarded).toHaveLength(1);
    expect(discarded[0]).toMatchObject({ condition: 'RetryAttemptsExhausted', invokeCount: 3 });
    expect(positions(discarded[0]?.records ?? [])).toEqual(['1', '2']);
    expect(completed).toEqual(['1', '2']);
  });

  it('gives up after the first failure when MaximumRetryAttempts is 0', async () => {
    const { hooks, invocations, discarded } = scriptedDelivery(() => functionError('timeout'), {
      maxRetryAttempts: 0,
    });

    await deliverBatch(records(1), hooks);

    expect(invocations).toHaveLength(1);
    expect(discarded[0]?.lastResult?.ok).toBe(false);
  });

  it('bisects a failing batch down to the poison record without using the retry quota', async () => {
    // Prepare: record 3 always fails; no retries allowed.
    const { hooks, invocations, completed, discarded } = scriptedDelivery(
      (batch) => (positions(batch).includes('3') ? functionError() : success()),
      { bisectOnError: true, maxRetryAttempts: 0 },
    );

    // Act
    await deliverBatch(records(4), hooks);

    // Assess
    expect(invocations).toEqual([['1', '2', '3', '4'], ['1', '2'], ['3', '4'], ['3'], ['4']]);
    expect(discarded).toHaveLength(1);
    expect(positions(discarded[0]?.records ?? [])).toEqual(['3']);
    expect(discarded[0]?.invokeCount).toBe(3);
    expect(completed).toEqual(['1', '2', '3', '4']);
  });

  it('retries a single poison record MaximumRetryAttempts times after bisecting', async () => {
    const { hooks, invocations } = scriptedDelivery(
      (batch) => (positions(batch).includes('2') ? functionError() : success()),
      {
        bisectOnError: true,
        maxRetryAttempts: 2,
      },
    );

    await deliverBatch(records(2), hooks);

    expect(invocations).toEqual([['1', '2'], ['1'], ['2'], ['2'], ['2']]);
  });

  it('with bisect and a partial response retries only the records after the reported one', async () => {
    const { hooks, invocations } = scriptedDelivery(
      (_batch, call) => (call === 1 ? partialFailure('3') : success()),
      {
        bisectOnError: true,
        reportBatchItemFailures: true,
      },
    );

    await deliverBatch(records(4), hooks);

    expect(invocations).toEqual([
      ['1', '2', '3', '4'],
      ['3', '4'],
    ]);
  });

  it('does not send records older than MaximumRecordAgeInSeconds and reports them', async () => {
    // Prepare: two records 2 minutes old, then two fresh ones.
    const old = records(2, { ageMs: 120_000 });
    const fresh = records(2, { first: 3 });
    const { hooks, invocations, discarded, completed } = scriptedDelivery(() => success(), {
      maxRecordAgeSeconds: 60,
    });

    // Act
    await deliverBatch([...old, ...fresh], hooks);

    // Assess
    expect(discarded).toHaveLength(1);
    expect(discarded[0]).toMatchObject({ condition: 'RecordAgeExceeded', invokeCount: 0 });
    expect(discarded[0]?.lastResult).toBeUndefined();
    expect(invocations).toEqual([['3', '4']]);
    expect(completed).toEqual(['1', '2', '3', '4']);
  });

  it('discards records that age out while their batch is being retried', async () => {
    // Prepare: the function fails until the clock moves past the record age.
    let skewMs = 0;
    const { hooks, invocations, discarded } = scriptedDelivery(
      (_batch, call) => {
        if (call === 3) skewMs = 61_000;
        return functionError();
      },
      { maxRecordAgeSeconds: 60, now: () => Date.now() + skewMs },
    );

    // Act
    await deliverBatch(records(2), hooks);

    // Assess
    expect(invocations).toHaveLength(3);
    expect(discarded[0]).toMatchObject({ condition: 'RecordAgeExceeded', invokeCount: 3 });
    expect(discarded[0]?.lastResult?.ok).toBe(false);
  });

  it('discards a single record larger than the invocation payload limit without invoking', async () => {
    const big = records(1).map((record) => ({ ...record, sizeBytes: 7 * 1024 * 1024 }));
    const { hooks, invocations, discarded } = scriptedDelivery(() => success());

    await deliverBatch(big, hooks);

    expect(invocations).toEqual([]);
    expect(discarded[0]?.condition).toBe('MaximumPayloadSizeExceeded');
  });

  it('stops between retries when the poller stops, without completing the batch', async () => {
    // Prepare
    const { hooks, completed, controller } = scriptedDelivery((_batch, call) => {
      if (call === 2) controller.abort();
      return functionError();
    });

    // Act / Assess
    await expect(deliverBatch(records(2), hooks)).rejects.toBeInstanceOf(PollerStoppedError);
    expect(completed).toEqual([]);
  });
  describe('going on from a failed invocation made elsewhere (firstAttempt)', () => {
    it('completes the records before the reported failure and retries from it, without invoking them again', async () => {
      // Prepare
      const { hooks, invocations, completed } = scriptedDelivery(() => success(), {
        reportBatchItemFailures: true,
      });

      // Act: the batch of several partitions reported this part's third record.
      await deliverBatch(records(4), hooks, { result: partialFailure('3'), failed: 2 });

      // Assess
      expect(invocations).toEqual([['3', '4']]);
      expect(completed).toEqual(['1', '2', '3', '4']);
    });

    it('bisects at once after a whole failure, as after its own first invocation', async () => {
      // Prepare: record 2 keeps failing.
      const { hooks, invocations, discarded } = scriptedDelivery(
        (batch) => (positions(batch).includes('2') ? functionError() : success()),
        { bisectOnError: true, maxRetryAttempts: 0 },
      );

      // Act
      await deliverBatch(records(4), hooks, { result: functionError(), failed: 'invalid' });

      // Assess
      expect(invocations).toEqual([['1', '2'], ['1'], ['2'], ['3', '4']]);
      expect(discarded.map((entry) => positions(entry.records))).toEqual([['2']]);
    });

    it('counts the failed invocation as an attempt: with no retries left the records go to the destination', async () => {
      // Prepare
      const { hooks, invocations, discarded } = scriptedDelivery(() => success(), { maxRetryAttempts: 0 });
      const failed = functionError();

      // Act
      await deliverBatch(records(2), hooks, { result: failed, failed: 'invalid' });

      // Assess
      expect(invocations).toEqual([]);
      expect(discarded).toEqual([
        expect.objectContaining({ condition: 'RetryAttemptsExhausted', invokeCount: 1, lastResult: failed }),
      ]);
    });
  });
});
