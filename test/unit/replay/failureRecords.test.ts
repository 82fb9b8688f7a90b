import { describe, expect, it } from 'vitest';
import { deadLetterBody } from '../../../lambdas/core/DeadLetterQueue';
import { deadLetterEvent } from '../../../local/replay/DeadLetterSource';
import { UnreplayableRecordError } from '../../../local/replay/errors';
import {
  failureRecordKeyParts,
  functionNameOfArn,
  parseFailureRecord,
} from '../../../local/replay/FailureRecordSource';
import { judgeInvocation } from '../../../local/replay/replayFailures';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:app-kafka-to-redis';

describe('S3 failure records', () => {
  it('reads the function and the event of an object Lambda wrote', () => {
    // Prepare
    const event = { eventSource: 'aws:kafka', records: { 'clicks-0': [{ offset: 5 }, { offset: 6 }] } };
    const body = JSON.stringify({ requestContext: { functionArn: ARN }, payload: JSON.stringify(event) });
    // Act / Assess
    expect(parseFailureRecord('k', body)).toEqual({ functionName: 'app-kafka-to-redis', event, records: 2 });
  });

  it.each([
    ['not json', 'the object is not JSON'],
    [JSON.stringify({ payload: '{}' }), 'no requestContext.functionArn naming a function'],
    [JSON.stringify({ requestContext: { functionArn: ARN } }), 'no payload'],
    [
      JSON.stringify({ requestContext: { functionArn: ARN }, payload: '{' }),
      'the payload is not a JSON event',
    ],
  ])('refuses %s, saying why', (body, reason) => {
    expect(() => parseFailureRecord('aws/lambda/x', body)).toThrow(UnreplayableRecordError);
    expect(() => parseFailureRecord('aws/lambda/x', body)).toThrow(reason);
  });

  it('reads the mapping and shard of a key, and the function of an ARN', () => {
    expect(failureRecordKeyParts('aws/lambda/uuid-1/clicks-0/2026/12/05/2026-12-05T01.02.03-u')).toEqual({
      mapping: 'uuid-1',
      shard: 'clicks-0',
    });
    expect(failureRecordKeyParts('other/key')).toBeUndefined();
    expect(functionNameOfArn(`${ARN}:$LATEST`)).toBe('app-kafka-to-redis');
    expect(functionNameOfArn('arn:aws:sqs:us-east-1:1:q')).toBeUndefined();
  });
});

describe('dead letters', () => {
  const letter = {
    reason: 'Redis refused INCRBY',
    errorType: 'WrongType',
    coordinates: { source: 'kafka' as const, topic: 'clicks', partition: 2, offset: 41 },
    payload: Buffer.from('{"n":"x"}'),
    key: Buffer.from('k1'),
    details: { timestamp: 1_764_144_000_123 },
  };

  it('rebuild the one-record MSK event of the poison record', () => {
    // Act
    const { id, event, mapping } = deadLetterEvent(deadLetterBody(letter, 'kafka-to-redis'), 'm1');
    // Assess
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(mapping).toBe('clicks-2');
    expect(event.records['clicks-2']).toEqual([
      {
        topic: 'clicks',
        partition: 2,
        offset: 41,
        timestamp: 1_764_144_000_123,
        timestampType: 'CREATE_TIME',
        key: Buffer.from('k1').toString('base64'),
        value: Buffer.from('{"n":"x"}').toString('base64'),
        headers: [],
      },
    ]);
  });

  it('refuse a change bridge letter and a truncated payload', () => {
    const bridge = deadLetterBody(
      { ...letter, coordinates: { source: 'kinesis', stream: 's', sequenceNumber: '1' } },
      'kinesis-to-kafka',
    );
    expect(() => deadLetterEvent(bridge, 'm')).toThrow('only Kafka sinks');
    const truncated = JSON.stringify({ ...JSON.parse(deadLetterBody(letter, 'h')), payloadTruncated: true });
    expect(() => deadLetterEvent(truncated, 'm')).toThrow('truncated');
    expect(() => deadLetterEvent('nope', 'm')).toThrow('not a dead letter');
  });
});

describe('judgeInvocation', () => {
  const item = { source: 's3' as const, id: 'k', functionName: 'f', records: 3 };

  it('calls a replay done when nothing failed', () => {
    const result = judgeInvocation(item, {
      ok: true,
      payload: { batchItemFailures: [], replay: { applied: 2, skipped: 1, failed: [] } },
    });
    expect(result).toEqual({ ...item, status: 'replayed', applied: 2, skipped: 1 });
  });

  it('keeps it, not replayable, when a sink without an owed ledger skipped records below its watermark', () => {
    const result = judgeInvocation(item, {
      ok: true,
      payload: { batchItemFailures: [], replay: { applied: 1, skipped: 2, notReplayable: 2, failed: [] } },
    });
    expect(result).toMatchObject({ ...item, status: 'not-replayable', applied: 1, skipped: 2 });
    expect(result.reasons?.[0]).toContain('2 record(s) below a watermark that keeps no owed ledger');
    expect(result.reasons?.[0]).toContain('not replayable by this sink yet');
  });

  it('keeps it failed with the reasons the sink reported, a batch item failure or a function error', () => {
    expect(
      judgeInvocation(item, {
        ok: true,
        payload: {
          batchItemFailures: [],
          replay: {
            applied: 2,
            skipped: 0,
            failed: [{ topic: 't', partition: 0, offset: 7, reason: 'bad' }],
          },
        },
      }),
    ).toMatchObject({ status: 'failed', reasons: ['t-0@7: bad'] });
    expect(
      judgeInvocation(item, { ok: true, payload: { batchItemFailures: [{ itemIdentifier: '49' }] } }),
    ).toMatchObject({ status: 'failed', reasons: ['batch item failure "49"'] });
    expect(judgeInvocation(item, { ok: false, error: 'Unhandled: boom' })).toMatchObject({
      status: 'failed',
      reasons: ['Unhandled: boom'],
    });
  });
});
