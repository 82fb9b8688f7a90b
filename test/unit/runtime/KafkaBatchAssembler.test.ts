import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InvocationResult } from '../../../local/runtime/environment/types';
import { PollerStoppedError } from '../../../local/runtime/pollers/errors';
import {
  type BatchPart,
  KafkaBatchAssembler,
  type PartOutcome,
} from '../../../local/runtime/pollers/KafkaBatchAssembler';
import type { KafkaSourceRecord } from '../../../local/runtime/pollers/kafkaEvent';
import { success } from './factories';

/** `count` records of partition `partition`, offsets from `first`, 100 bytes each. */
function part(partition: number, count: number, first = 0): BatchPart {
  const topicPartition = `t-${partition}`;
  return {
    topicPartition,
    records: Array.from({ length: count }, (_, i) => {
      const offset = first + i;
      return {
        position: String(offset),
        arrivalMs: Date.now(),
        orderKey: topicPartition,
        eventRecord: { topic: 't', partition, offset } as unknown as KafkaSourceRecord['eventRecord'],
        sizeBytes: 100,
      };
    }),
  };
}

describe('KafkaBatchAssembler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function assembler(options: { batchSize?: number; windowMs?: number; maxRecordBytes?: number } = {}) {
    const invocations: { at: number; records: string[] }[] = [];
    let answer: InvocationResult = success();
    const started = Date.now();
    const instance = new KafkaBatchAssembler({
      mappingId: 'TestMapping',
      batchSize: options.batchSize ?? 100,
      windowMs: options.windowMs ?? 1_000,
      maxRecordBytes: options.maxRecordBytes ?? 1_000_000,
      invoke: async (records) => {
        invocations.push({
          at: Date.now() - started,
          records: records.map((r) => `${r.orderKey}:${r.position}`),
        });
        return answer;
      },
    });
    return {
      instance,
      invocations,
      answer: (result: InvocationResult) => {
        answer = result;
      },
    };
  }

  const live = { full: false, signal: new AbortController().signal };

  it('puts the parts that join while the window runs in one invocation, when the window closes', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 1_000 });
    const outcomes: PartOutcome[] = [];

    // Act: the window begins at the first part's first record; a second partition joins 400 ms later.
    instance.join(part(0, 2), { ...live, firstArrivalMs: Date.now() }).then((o) => outcomes.push(o));
    await vi.advanceTimersByTimeAsync(400);
    instance.join(part(1, 3), { ...live, firstArrivalMs: Date.now() }).then((o) => outcomes.push(o));
    await vi.advanceTimersByTimeAsync(599);
    const beforeClose = invocations.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(beforeClose).toBe(0);
    expect(invocations).toEqual([{ at: 1_000, records: ['t-0:0', 't-0:1', 't-1:0', 't-1:1', 't-1:2'] }]);
    expect(outcomes).toHaveLength(2);
    expect(outcomes.every((o) => !o.solo && o.result.ok && o.parts.length === 2)).toBe(true);
  });

  it('times the window from the earliest record of the batch, whichever partition joins first', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 1_000 });

    // Act: a partition whose record arrived now opens the batch; one whose record arrived 700 ms ago joins.
    void instance.join(part(0, 1), { ...live, firstArrivalMs: Date.now() });
    void instance.join(part(1, 1), { ...live, firstArrivalMs: Date.now() - 700 });
    await vi.advanceTimersByTimeAsync(300);

    // Assess
    expect(invocations).toEqual([{ at: 300, records: ['t-0:0', 't-1:0'] }]);
  });

  it('sends a batch as soon as it holds BatchSize records, without waiting for the window', async () => {
    // Prepare
    const { instance, invocations } = assembler({ batchSize: 5, windowMs: 10_000 });

    // Act
    void instance.join(part(0, 2), { ...live, firstArrivalMs: Date.now() });
    void instance.join(part(1, 3), { ...live, firstArrivalMs: Date.now() });
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(invocations).toHaveLength(1);
    expect(invocations[0]?.records).toHaveLength(5);
    expect(instance.room()).toEqual({ records: 5, bytes: 1_000_000, fresh: true });
  });

  it('gives room in records and bytes of the open batch, and flush sends it when the next record does not fit', async () => {
    // Prepare
    const { instance, invocations } = assembler({ batchSize: 10, maxRecordBytes: 450 });
    void instance.join(part(0, 2), { ...live, firstArrivalMs: Date.now() });
    void instance.join(part(1, 2), { ...live, firstArrivalMs: Date.now() });
    const room = instance.room();

    // Act
    instance.flush();
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(room).toEqual({ records: 6, bytes: 50, fresh: false });
    expect(invocations).toHaveLength(1);
  });

  it('lets a part that is alone in its batch deliver itself (solo), without an invocation here', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 500 });

    // Act
    const outcome = instance.join(part(0, 3), { ...live, firstArrivalMs: Date.now() });
    await vi.advanceTimersByTimeAsync(500);

    // Assess
    const { solo, part: own } = await outcome;
    expect(solo).toBe(true);
    expect(own.records.map((r) => `${r.orderKey}:${r.position}`)).toEqual(['t-0:0', 't-0:1', 't-0:2']);
    expect(invocations).toHaveLength(0);
  });

  it('adds the records a partition fetches while the window runs to its part, and tells each part when the batch goes', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 1_000 });
    const went: string[] = [];
    const join = (p: number, count: number) =>
      instance.join(part(p, count), {
        ...live,
        firstArrivalMs: Date.now(),
        onGo: () => went.push(`t-${p}`),
      });

    // Act: partition 0 joins, partition 1 joins, then both fetch more before the window closes.
    const first = join(0, 2);
    await vi.advanceTimersByTimeAsync(300);
    const second = join(1, 1);
    await vi.advanceTimersByTimeAsync(300);
    const extended = [
      instance.extend('t-0', part(0, 2, 2).records, false),
      instance.extend('t-1', part(1, 1, 1).records, false),
    ];
    const wentBeforeClose = [...went];
    await vi.advanceTimersByTimeAsync(400);
    const afterGo = instance.extend('t-0', part(0, 1, 4).records, false);

    // Assess: one invocation with every record, each partition in offset order; the parts learn it.
    expect(extended).toEqual([true, true]);
    expect(wentBeforeClose).toEqual([]);
    expect(went).toEqual(['t-0', 't-1']);
    expect(afterGo).toBe(false);
    expect(invocations).toEqual([
      { at: 1_000, records: ['t-0:0', 't-0:1', 't-0:2', 't-0:3', 't-1:0', 't-1:1'] },
    ]);
    const outcome = await first;
    expect(outcome.part.records.map((r) => r.position)).toEqual(['0', '1', '2', '3']);
    expect((await second).part.records.map((r) => r.position)).toEqual(['0', '1']);
  });

  it('sends the batch at once when an added part fills it, and gives no part to a partition not in it', async () => {
    // Prepare
    const { instance, invocations } = assembler({ batchSize: 5, windowMs: 1_000 });
    const a = instance.join(part(0, 2), { ...live, firstArrivalMs: Date.now() });
    instance.join(part(1, 1), { ...live, firstArrivalMs: Date.now() });

    // Act
    const stranger = instance.extend('t-2', part(2, 1).records, false);
    instance.extend('t-0', part(0, 2, 2).records, false);
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(stranger).toBe(false);
    expect(invocations).toHaveLength(1);
    expect(invocations[0]?.records).toHaveLength(5);
    expect((await a).part.records).toHaveLength(4);
  });

  it('sends a batch whose window closed before it opened at the next turn, with the parts handed over meanwhile', async () => {
    // Prepare: a backlog fetched long after it arrived.
    const { instance, invocations } = assembler({ windowMs: 1_000 });
    const old = Date.now() - 60_000;

    // Act
    void instance.join(part(0, 1), { ...live, firstArrivalMs: old });
    void instance.join(part(1, 1), { ...live, firstArrivalMs: old });
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(invocations).toEqual([{ at: 0, records: ['t-0:0', 't-1:0'] }]);
  });

  it('takes a part whose signal aborts before the batch went out of it, and sends the others without it', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 1_000 });
    const controller = new AbortController();
    const leaving = instance
      .join(part(0, 2), { full: false, signal: controller.signal, firstArrivalMs: Date.now() })
      .catch((error: unknown) => error);
    void instance.join(part(1, 1), { ...live, firstArrivalMs: Date.now() });
    void instance.join(part(2, 1), { ...live, firstArrivalMs: Date.now() });

    // Act
    controller.abort();
    await vi.advanceTimersByTimeAsync(1_000);

    // Assess
    expect(await leaving).toBeInstanceOf(PollerStoppedError);
    expect(invocations).toEqual([{ at: 1_000, records: ['t-1:0', 't-2:0'] }]);
  });

  it('rejects every waiting part when stopped, and invokes nothing', async () => {
    // Prepare
    const { instance, invocations } = assembler({ windowMs: 1_000 });
    const settled = (promise: Promise<PartOutcome>) => promise.catch((error: unknown) => error);
    const a = settled(instance.join(part(0, 1), { ...live, firstArrivalMs: Date.now() }));
    const b = settled(instance.join(part(1, 1), { ...live, firstArrivalMs: Date.now() }));

    // Act
    instance.stop();
    await vi.advanceTimersByTimeAsync(2_000);

    // Assess
    expect(await a).toBeInstanceOf(PollerStoppedError);
    expect(await b).toBeInstanceOf(PollerStoppedError);
    expect(invocations).toHaveLength(0);
  });

  it('gives every part of a batch the same failed result, with the parts, for the poller to read its own failures', async () => {
    // Prepare
    const { instance, answer } = assembler({ windowMs: 100 });
    const failed: InvocationResult = {
      ok: false,
      kind: 'handled',
      error: { errorType: 'Error', errorMessage: 'boom' },
      requestId: 'r',
      durationMs: 1,
      coldStart: false,
    };
    answer(failed);

    // Act
    const a = instance.join(part(0, 1), { ...live, firstArrivalMs: Date.now() });
    const b = instance.join(part(1, 1), { ...live, firstArrivalMs: Date.now() });
    await vi.advanceTimersByTimeAsync(100);

    // Assess
    for (const outcome of [await a, await b]) {
      expect(outcome).toMatchObject({ solo: false, result: failed });
      expect(outcome.solo ? [] : outcome.parts.map((p) => p.topicPartition)).toEqual(['t-0', 't-1']);
    }
  });
});
