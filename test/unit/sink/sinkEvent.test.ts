import { describe, expect, it } from 'vitest';
import { decodeKafkaRecord } from '../../../lambdas/core/kafkaRecords';
import { PoisonRecordError } from '../../../lambdas/core/sink/errors';
import { decodeSinkEvent, readNumber, templateContext } from '../../../lambdas/core/sink/sinkEvent';
import { mskRecord } from '../../../local/events/mskEvents';

const envelope = (op: 'c' | 'u' | 'd', before: unknown, after: unknown) => ({
  op,
  key: { productId: 'p1' },
  before,
  after,
  source: {
    system: 'dynamodb',
    table: 't',
    region: 'us-east-1',
    eventId: 'e',
    sequenceNumber: '100',
    ts_ms: 1,
    ttlExpired: false,
  },
  ts_ms: 2,
});

describe('decodeSinkEvent', () => {
  it('reads a plain JSON event', () => {
    const event = decodeSinkEvent(decodeKafkaRecord(mskRecord({ offset: 1, value: { page: 'home' } })));
    expect(event).toMatchObject({ kind: 'event', fields: { page: 'home' } });
  });

  it('reads the after image of a change and its version', () => {
    const event = decodeSinkEvent(
      decodeKafkaRecord(mskRecord({ offset: 1, value: envelope('u', { price: 1 }, { price: 2 }) })),
    );
    expect(event).toMatchObject({ kind: 'change', op: 'u', fields: { price: 2 }, version: '100' });
  });

  it('reads the before image of a delete', () => {
    const event = decodeSinkEvent(
      decodeKafkaRecord(mskRecord({ offset: 1, value: envelope('d', { price: 1 }, null) })),
    );
    expect(event).toMatchObject({ kind: 'change', op: 'd', fields: { price: 1 } });
  });

  it('reads a tombstone keyed by the full primary key', () => {
    const event = decodeSinkEvent(
      decodeKafkaRecord(mskRecord({ offset: 1, value: null, key: '{"productId":"p1"}' })),
    );
    expect(event).toMatchObject({ kind: 'tombstone', op: 'd', fields: { productId: 'p1' } });
  });

  it.each(['{oops', '"text"', '42'])('rejects %s as poison', (value) => {
    expect(() => decodeSinkEvent(decodeKafkaRecord(mskRecord({ offset: 1, value })))).toThrow(
      PoisonRecordError,
    );
  });
});

describe('templateContext', () => {
  it('gives the fields and the record metadata to key templates', () => {
    // Prepare
    const change = decodeSinkEvent(
      decodeKafkaRecord(
        mskRecord({
          topic: 'products',
          partition: 2,
          offset: 9,
          timestamp: 5,
          value: envelope('u', null, { price: 2 }),
        }),
      ),
    );
    const plain = decodeSinkEvent(decodeKafkaRecord(mskRecord({ offset: 1, value: { page: 'home' } })));
    // Act
    const context = templateContext(change);
    const plainContext = templateContext(plain);
    // Assess
    expect(context.fields).toEqual({ price: 2 });
    expect(context.meta).toEqual({ topic: 'products', partition: 2, offset: 9, timestamp: 5, op: 'u' });
    expect(context.meta).toBe(context.meta);
    expect(plainContext.fields).toEqual({ page: 'home' });
    expect(plainContext.meta).toEqual({
      topic: 'events',
      partition: 0,
      offset: 1,
      timestamp: 1_764_144_000_000,
      op: undefined,
    });
  });
});

describe('readNumber', () => {
  it.each([
    [{ n: 3 }, 3],
    [{ n: '4.5' }, 4.5],
    [{ n: { $N: '12' } }, 12],
    [{}, undefined],
  ])('reads %j', (fields, expected) => {
    expect(readNumber(fields, 'n')).toBe(expected);
  });

  it('rejects a non-number as poison', () => {
    expect(() => readNumber({ n: 'many' }, 'n')).toThrow(/field "n" is not a number/);
  });
});
