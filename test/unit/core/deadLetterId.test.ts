import { describe, expect, it } from 'vitest';
import { deadLetterBody } from '../../../lambdas/core/DeadLetterQueue';
import { deadLetterId } from '../../../lambdas/core/deadLetterId';

const KAFKA = { source: 'kafka', topic: 'clicks', partition: 3, offset: 42 } as const;
const STREAM = {
  source: 'dynamodb-streams',
  stream: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000',
  sequenceNumber: '4100000000000123',
  shard: 'shardId-1',
} as const;

describe('deadLetterId', () => {
  it('is the same for every delivery of one record and differs between records', () => {
    // Assess
    expect(deadLetterId({ ...KAFKA })).toBe(deadLetterId(KAFKA));
    expect(deadLetterId({ ...KAFKA, offset: 43 })).not.toBe(deadLetterId(KAFKA));
    expect(deadLetterId({ ...KAFKA, partition: 4 })).not.toBe(deadLetterId(KAFKA));
    expect(deadLetterId({ ...STREAM, sequenceNumber: '4100000000000124' })).not.toBe(deadLetterId(STREAM));
    // The shard is not part of a stream record's identity (its sequence number is unique in the stream).
    expect(deadLetterId({ ...STREAM, shard: 'other' })).toBe(deadLetterId(STREAM));
  });

  it('fits a FIFO deduplication id (at most 128 characters)', () => {
    // Assess
    expect(deadLetterId(STREAM)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is carried in the dead-letter body', () => {
    // Act
    const body = JSON.parse(
      deadLetterBody({ reason: 'bad', errorType: 'DecodeError', coordinates: KAFKA }, 'h'),
    );
    // Assess
    expect(body.deadLetterId).toBe(deadLetterId(KAFKA));
  });
});
