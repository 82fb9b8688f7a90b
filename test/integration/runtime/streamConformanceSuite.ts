/**
 * The conformance rules every event source kind shares, as one suite run per kind (one test file each, so
 * the kinds run in parallel): partial batch response, bisect, retries exhausted → on-failure destination,
 * record age, filtering, batching window, starting position. Each rule is read from the template of a
 * small CDK app (see conformanceHarness.ts); the expected behaviour cites the AWS page it follows in
 * docs/local-runtime.md.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConformanceCase } from '../../fixtures/runtime/conformanceApp';
import { type Conformance, deployConformance, type Observation } from './conformanceHarness';

export type SourceKind = 'dynamodb' | 'kinesis' | 'kafka';

/** A filter keeping records whose `kind` is `keep`, in each source's filter syntax. */
const KEEP_FILTER: Record<SourceKind, Record<string, unknown>> = {
  dynamodb: { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { kind: { S: ['keep'] } } } },
  kinesis: { data: { kind: ['keep'] } },
  kafka: { value: { kind: ['keep'] } },
};

export function conformanceCases(source: SourceKind): ConformanceCase[] {
  const window = { maxBatchingWindowSeconds: 1, batchSize: 10 };
  return [
    { id: 'Partial', source, ...window, reportBatchItemFailures: true },
    { id: 'Bisect', source, ...window, bisectOnError: true, retryAttempts: 0, onFailure: 's3' },
    { id: 'Retries', source, ...window, retryAttempts: 2, onFailure: 's3' },
    { id: 'RecordAge', source, ...window, maxRecordAgeSeconds: 60, onFailure: 'sqs' },
    { id: 'Filtered', source, filters: [KEEP_FILTER[source]] },
    { id: 'Window', source, maxBatchingWindowSeconds: 1, batchSize: 3 },
    { id: 'FullBatch', source, maxBatchingWindowSeconds: 10, batchSize: 2 },
    { id: 'Latest', source, startingPosition: 'LATEST' },
  ];
}

/** Position of each record the function received, by record id (sequence number or offset). */
export function positionsSeen(observation: Observation | undefined): Record<string, string> {
  const event = (observation?.event ?? {}) as {
    Records?: { dynamodb?: { SequenceNumber: string }; kinesis?: { sequenceNumber: string } }[];
    records?: Record<string, { offset: number }[]>;
  };
  const positions = event.records
    ? Object.values(event.records).flatMap((list) => list.map((record) => String(record.offset)))
    : (event.Records ?? []).map(
        (record) => record.dynamodb?.SequenceNumber ?? record.kinesis?.sequenceNumber ?? '',
      );
  return Object.fromEntries((observation?.ids ?? []).map((id, index) => [id, positions[index] as string]));
}

const waitFor = <T>(assertion: () => T | Promise<T>, timeout = 20_000) =>
  vi.waitFor(assertion, { timeout, interval: 100 });

/** Waits until the case's on-failure queue holds `count` messages and returns them. */
export async function failureMessages(conformance: Conformance, caseId: string, count = 1) {
  const messages: Record<string, unknown>[] = [];
  await waitFor(async () => {
    messages.push(...(await conformance.failures(caseId)));
    expect(messages.length).toBeGreaterThanOrEqual(count);
  });
  return messages;
}

/**
 * Defines the shared suite for one source kind; `extra` adds the kind's own tests on the same deployment.
 *
 * @example
 * ```ts
 * defineConformanceSuite('kinesis', [{ id: 'Parallel', source: 'kinesis', parallelizationFactor: 4 }], (get) => { … });
 * ```
 */
export function defineConformanceSuite(
  source: SourceKind,
  extraCases: readonly ConformanceCase[],
  extra: (conformance: () => Conformance) => void,
): void {
  describe(`${source} event source mapping conformance`, () => {
    let conformance: Conformance;
    const get = () => conformance;

    beforeAll(async () => {
      conformance = await deployConformance(source.slice(0, 4), [...conformanceCases(source), ...extraCases]);
    });

    afterEach(async () => {
      await conformance?.stopRuntimes();
    });

    afterAll(async () => {
      await conformance?.destroy();
    });

    it('checkpoints before the lowest item a partial batch response reports, and retries from it', async () => {
      // Prepare
      await conformance.run(['Partial']);

      // Act: r3 is reported failed once.
      await conformance.put('Partial', [
        { id: 'r1' },
        { id: 'r2' },
        { id: 'r3', cmd: { report: 1 } },
        { id: 'r4' },
      ]);
      await waitFor(() => expect(conformance.seen('Partial')).toHaveLength(6));
      await conformance.put('Partial', [{ id: 'r5' }]);

      // Assess: the retry starts at r3; nothing before it comes again, and the shard moves on.
      await waitFor(() => expect(conformance.seen('Partial')).toContain('r5'));
      expect(conformance.observations('Partial').map((o) => o.ids)).toEqual([
        ['r1', 'r2', 'r3', 'r4'],
        ['r3', 'r4'],
        ['r5'],
      ]);
    });

    it('bisects a failing batch to isolate the poison record and sends only it to the on-failure destination', async () => {
      // Prepare
      await conformance.run(['Bisect']);

      // Act
      await conformance.put('Bisect', [
        { id: 'b1' },
        { id: 'b2' },
        { id: 'b3', cmd: { fail: true } },
        { id: 'b4' },
      ]);

      // Assess: b3 goes to the destination before b4 is invoked on its own, so wait for that too.
      const [message] = await failureMessages(conformance, 'Bisect');
      await waitFor(() =>
        expect(conformance.observations('Bisect').map((o) => o.ids)).toEqual([
          ['b1', 'b2', 'b3', 'b4'],
          ['b1', 'b2'],
          ['b3', 'b4'],
          ['b3'],
          ['b4'],
        ]),
      );
      const b3 = positionsSeen(conformance.observations('Bisect')[3]).b3;
      expect(message).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      });
      const info = (message?.DDBStreamBatchInfo ??
        message?.KinesisBatchInfo ??
        message?.KafkaBatchInfo) as Record<string, unknown>;
      expect(info.batchSize).toBe(1);
      if (source === 'kafka')
        expect(JSON.stringify(info.recordsInfo)).toContain(`"firstRecordOffset":"${b3}"`);
      else expect(info).toMatchObject({ startSequenceNumber: b3, endSequenceNumber: b3 });
    });

    it('after MaximumRetryAttempts retries writes the invocation record and payload AWS writes to the S3 on-failure destination, then moves on', async () => {
      // Prepare
      await conformance.run(['Retries']);
      const { functionName } = conformance.fn('Retries');
      const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`;

      // Act
      await conformance.put('Retries', [{ id: 'x1' }, { id: 'x2', cmd: { fail: true } }]);
      const [message] = await failureMessages(conformance, 'Retries');
      await conformance.put('Retries', [{ id: 'x3' }]);

      // Assess: 1 attempt + 2 retries of the batch, then the next record.
      await waitFor(() => expect(conformance.seen('Retries')).toContain('x3'));
      const observations = conformance.observations('Retries');
      expect(observations.map((o) => o.ids)).toEqual([['x1', 'x2'], ['x1', 'x2'], ['x1', 'x2'], ['x3']]);
      const { x1, x2 } = positionsSeen(observations[0]);
      expect(message).toMatchObject({
        requestContext: {
          requestId: observations[2]?.requestId,
          functionArn,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/),
      });
      const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
      if (source === 'kafka') {
        const mapping = conformance.mapping('Retries');
        expect(message?.KafkaBatchInfo).toEqual({
          batchSize: 2,
          eventSourceArn: expect.stringMatching(/^arn:aws:kafka:/),
          bootstrapServers: conformance.kafkaBrokers.join(','),
          payloadSize: expect.any(Number),
          recordsInfo: {
            [`${mapping.topics?.[0]}-0`]: {
              firstRecordOffset: x1,
              lastRecordOffset: x2,
              firstRecordTimestamp: iso,
              lastRecordTimestamp: iso,
            },
          },
        });
      } else {
        const mapping = conformance.mapping('Retries');
        const first = observations[0]?.event as { Records: { eventID: string }[] };
        const info = {
          shardId: source === 'kinesis' ? first.Records[0]?.eventID.split(':')[0] : expect.any(String),
          startSequenceNumber: x1,
          endSequenceNumber: x2,
          approximateArrivalOfFirstRecord: iso,
          approximateArrivalOfLastRecord: iso,
          batchSize: 2,
          streamArn: mapping.sourceArn,
        };
        expect(message).toEqual(
          expect.objectContaining(
            source === 'dynamodb' ? { DDBStreamBatchInfo: info } : { KinesisBatchInfo: info },
          ),
        );
      }
      // S3 keeps the whole invocation: the key as AWS lays it out, the event as a JSON string in `payload`.
      const mapping = conformance.mapping('Retries');
      const shard =
        source === 'kafka'
          ? `${mapping.topics?.[0]}-0`
          : ((message?.DDBStreamBatchInfo ?? message?.KinesisBatchInfo ?? {}) as { shardId?: string })
              .shardId;
      const day = String(message?.timestamp).slice(0, 10);
      expect(message?.s3Key).toMatch(
        new RegExp(
          `^aws/lambda/${mapping.logicalId}/${shard}/${day.replaceAll('-', '/')}/${day}T\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`,
        ),
      );
      expect(JSON.parse(String(message?.payload))).toEqual(observations[2]?.event);
    });

    it('discards records older than MaximumRecordAgeInSeconds to the on-failure destination', async () => {
      // Prepare: the clock the runtime measures record age with jumps 61 s ahead on demand.
      let skewMs = 0;
      await conformance.run(['RecordAge'], { now: () => Date.now() + skewMs });

      // Act: a3 fails until it is too old.
      await conformance.put('RecordAge', [{ id: 'a1' }, { id: 'a2', cmd: { fail: true } }]);
      await waitFor(() => expect(conformance.observations('RecordAge').length).toBeGreaterThanOrEqual(2));
      skewMs = 61_000;
      const [message] = await failureMessages(conformance, 'RecordAge');
      skewMs = 0;
      await conformance.put('RecordAge', [{ id: 'a3' }]);

      // Assess
      await waitFor(() => expect(conformance.seen('RecordAge')).toContain('a3'));
      expect(message).toMatchObject({ requestContext: { condition: 'RecordAgeExceeded' } });
      const info = (message?.DDBStreamBatchInfo ??
        message?.KinesisBatchInfo ??
        message?.KafkaBatchInfo) as Record<string, unknown>;
      expect(info.batchSize).toBe(2);
      expect(conformance.observations('RecordAge').at(-1)?.ids).toEqual(['a3']);
    });

    it('sends only records matching the FilterCriteria and moves past the others', async () => {
      // Prepare
      await conformance.run(['Filtered']);

      // Act
      await conformance.put('Filtered', [
        { id: 'f1', extra: { kind: 'keep' } },
        { id: 'f2', extra: { kind: 'drop' } },
        { id: 'f3', extra: { kind: 'keep' } },
        { id: 'f4' },
      ]);
      await conformance.put('Filtered', [{ id: 'f5', extra: { kind: 'keep' } }]);

      // Assess
      await waitFor(() => expect(conformance.seen('Filtered')).toContain('f5'));
      expect(conformance.seen('Filtered')).toEqual(['f1', 'f3', 'f5']);
    });

    it('gathers records for MaximumBatchingWindowInSeconds before invoking', async () => {
      // Prepare: one record, invoked, so the next window is the one after an invocation.
      await conformance.run(['Window']);
      await conformance.put('Window', [{ id: 'w0' }]);
      await waitFor(() => expect(conformance.seen('Window')).toEqual(['w0']));
      const previous = conformance.observations('Window')[0]?.at ?? 0;

      // Act: two records, fewer than BatchSize (3).
      const written = Date.now();
      await conformance.put('Window', [{ id: 'w1' }, { id: 'w2' }]);

      // Assess: one batch, invoked once the 1 s window closed. For streams "the next batching window begins
      // as soon as the previous function invocation completes"; for Kafka "as soon as the first record
      // arrives".
      await waitFor(() => expect(conformance.seen('Window')).toEqual(['w0', 'w1', 'w2']));
      const observation = conformance.observations('Window')[1];
      expect(observation?.ids).toEqual(['w1', 'w2']);
      const windowBegan = source === 'kafka' ? written : previous;
      expect((observation?.at ?? 0) - windowBegan).toBeGreaterThanOrEqual(900);
    });

    it('invokes a full batch without waiting for the batching window', async () => {
      // Prepare: a 10 s window and BatchSize 2.
      await conformance.run(['FullBatch']);

      // Act
      const written = Date.now();
      await conformance.put('FullBatch', [{ id: 'b1' }, { id: 'b2' }]);

      // Assess: invoked long before the window would close.
      await waitFor(() => expect(conformance.seen('FullBatch')).toEqual(['b1', 'b2']));
      const [observation] = conformance.observations('FullBatch');
      expect(observation?.ids).toEqual(['b1', 'b2']);
      expect((observation?.at ?? 0) - written).toBeLessThan(5_000);
    });

    it('with StartingPosition LATEST reads only records written after the mapping started', async () => {
      // Prepare
      await conformance.put('Latest', [{ id: 'before' }]);
      await conformance.run(['Latest']);

      // Act
      await conformance.put('Latest', [{ id: 'after' }]);

      // Assess
      await waitFor(() => expect(conformance.seen('Latest')).toEqual(['after']));
    });

    extra(get);
  });
}
