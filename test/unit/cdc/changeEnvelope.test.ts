import { describe, expect, it } from 'vitest';
import { buildChangeEnvelope, serializeChangeEnvelope } from '../../../lambdas/core/envelope/changeEnvelope';
import { decodeKinesisRecord } from '../../../lambdas/core/envelope/decodeKinesisRecord';
import { decodeStreamRecord } from '../../../lambdas/core/envelope/decodeStreamRecord';
import { PoisonChangeError } from '../../../lambdas/core/envelope/errors';
import { fromJsonItem, toJsonItem } from '../../../lambdas/core/envelope/losslessMapping';
import type { ChangeSpec } from '../../factories/cdcRecords';
import { kinesisRecord, kinesisRecordOf, streamRecord } from '../../factories/cdcRecords';

const PRODUCED_AT = 1_764_144_999_000;

const order: ChangeSpec = {
  eventName: 'MODIFY',
  eventId: 'c4ca4238a0b923820dcc509a6f75849b',
  sequenceNumber: '4421584500000000017450439091',
  createdAtMs: 1_764_144_000_000,
  keys: { orderId: { S: 'o-1' } },
  oldImage: { orderId: { S: 'o-1' }, total: { N: '10' }, status: { S: 'new' } },
  newImage: {
    status: { S: 'paid' },
    orderId: { S: 'o-1' },
    total: { N: '12345678901234567890' },
    price: { N: '19.99' },
    tags: { SS: ['a', 'b'] },
    sizes: { NS: ['1', '2.5'] },
    blob: { B: 'AAEC' },
    blobs: { BS: ['AA==', 'AQ=='] },
    paid: { BOOL: true },
    note: { NULL: true },
    lines: { L: [{ M: { sku: { S: 'x' }, qty: { N: '2' } } }] },
  },
};

function envelopeOfStream(spec: ChangeSpec) {
  return buildChangeEnvelope(decodeStreamRecord(streamRecord(spec)), PRODUCED_AT);
}

describe('change envelope', () => {
  it('maps a DynamoDB Streams MODIFY to a Debezium-shaped envelope with the documented tagged forms', () => {
    // Act
    const envelope = envelopeOfStream(order);

    // Assess
    expect(envelope).toEqual({
      op: 'u',
      key: { orderId: 'o-1' },
      before: { orderId: 'o-1', status: 'new', total: 10 },
      after: {
        blob: { $B: 'AAEC' },
        blobs: { $BS: ['AA==', 'AQ=='] },
        lines: [{ qty: 2, sku: 'x' }],
        note: null,
        orderId: 'o-1',
        paid: true,
        price: 19.99,
        sizes: { $NS: ['1', '2.5'] },
        status: 'paid',
        tags: { $SS: ['a', 'b'] },
        total: { $N: '12345678901234567890' },
      },
      source: {
        system: 'dynamodb',
        table: 'sb-test-orders',
        region: 'us-east-1',
        eventId: 'c4ca4238a0b923820dcc509a6f75849b',
        sequenceNumber: '4421584500000000017450439091',
        ts_ms: 1_764_144_000_000,
        ttlExpired: false,
      },
      ts_ms: PRODUCED_AT,
    });
  });

  it('writes members in a fixed order and image attributes sorted by name', () => {
    // Act
    const text = serializeChangeEnvelope(envelopeOfStream(order));

    // Assess
    expect(
      text.startsWith(
        '{"op":"u","key":{"orderId":"o-1"},"before":{"orderId":"o-1","status":"new","total":10},',
      ),
    ).toBe(true);
    expect(text).toContain(
      '"source":{"system":"dynamodb","table":"sb-test-orders","region":"us-east-1","eventId":',
    );
    expect(text.endsWith(`"ttlExpired":false},"ts_ms":${PRODUCED_AT}}`)).toBe(true);
  });

  it.each([
    ['INSERT', 'c', { newImage: { id: { S: 'a' } } }, { before: null, after: { id: 'a' } }],
    [
      'MODIFY',
      'u',
      { oldImage: { id: { S: 'a' } }, newImage: { id: { S: 'a' } } },
      { before: { id: 'a' }, after: { id: 'a' } },
    ],
    ['REMOVE', 'd', { oldImage: { id: { S: 'a' } } }, { before: { id: 'a' }, after: null }],
  ] as const)('maps %s to op %s', (eventName, op, images, expected) => {
    // Act
    const envelope = envelopeOfStream({ eventName, keys: { id: { S: 'a' } }, ...images });

    // Assess
    expect(envelope.op).toBe(op);
    expect({ before: envelope.before, after: envelope.after }).toEqual(expected);
  });

  it.each([
    ['42', 42],
    ['-7', -7],
    ['1.5', 1.5],
    ['0.1', 0.1],
    ['9007199254740991', 9_007_199_254_740_991],
    ['9007199254740992', { $N: '9007199254740992' }],
    ['12345678901234567890', { $N: '12345678901234567890' }],
    ['0.12345678901234567890', { $N: '0.12345678901234567890' }],
    ['1.50', { $N: '1.50' }],
    ['-0', { $N: '-0' }],
    ['1E+2', { $N: '1E+2' }],
  ])('maps N "%s" losslessly to %j', (text, expected) => {
    // Act
    const json = toJsonItem({ n: { N: text } });

    // Assess
    expect(json.n).toEqual(expected);
    expect(fromJsonItem(JSON.parse(JSON.stringify(json))).n).toEqual({ N: text });
  });

  it('wraps a map whose only member is named like a tag, and reads it back', () => {
    // Prepare
    const item = { m: { M: { $N: { S: 'not a number' } } }, two: { M: { $N: { S: 'x' }, y: { S: 'y' } } } };

    // Act
    const json = toJsonItem(item);

    // Assess
    expect(json).toEqual({ m: { $M: { $N: 'not a number' } }, two: { $N: 'x', y: 'y' } });
    expect(fromJsonItem(json)).toEqual(item);
  });

  it('flags TTL deletes by the DynamoDB service identity only', () => {
    // Act
    const ttl = envelopeOfStream({ eventName: 'REMOVE', keys: { id: { S: 'a' } }, ttl: true });
    const user = envelopeOfStream({ eventName: 'REMOVE', keys: { id: { S: 'a' } } });

    // Assess
    expect(ttl.source.ttlExpired).toBe(true);
    expect(user.source.ttlExpired).toBe(false);
  });

  it('reads the creation time in seconds on DynamoDB Streams and in ms or µs on Kinesis', () => {
    // Prepare
    const spec: ChangeSpec = {
      eventName: 'INSERT',
      keys: { id: { S: 'a' } },
      createdAtMs: 1_764_144_000_123,
    };

    // Act
    const streams = decodeStreamRecord(streamRecord(spec));
    const millis = decodeKinesisRecord(kinesisRecord(spec, { precision: 'MILLISECOND' }));
    const micros = decodeKinesisRecord(kinesisRecord(spec, { precision: 'MICROSECOND' }));

    // Assess
    expect(buildChangeEnvelope(streams, 0).source.ts_ms).toBe(1_764_144_000_000);
    expect(buildChangeEnvelope(millis, 0).source.ts_ms).toBe(1_764_144_000_123);
    expect(buildChangeEnvelope(micros, 0).source.ts_ms).toBe(1_764_144_000_123);
    expect(micros.createdAtMicros).toBe(1_764_144_000_123_000);
  });

  it('infers the unit of a Kinesis creation time that states no precision', () => {
    // Prepare
    const document = (value: number) => ({
      tableName: 't-1',
      awsRegion: 'us-east-1',
      eventID: 'e',
      eventName: 'INSERT',
      dynamodb: { ApproximateCreationDateTime: value, Keys: { id: { S: 'a' } } },
    });

    // Act
    const times = [1_764_144_000, 1_764_144_000_123, 1_764_144_000_123_456].map(
      (value) => decodeKinesisRecord(kinesisRecordOf(document(value))).createdAtMicros,
    );

    // Assess
    expect(times).toEqual([1_764_144_000_000_000, 1_764_144_000_123_000, 1_764_144_000_123_456]);
  });

  describe('the two paths give the same bytes for the same change', () => {
    it('is byte-identical when the Kinesis time falls on a whole second, except the path-specific sequence number', () => {
      // Prepare
      const streams = serializeChangeEnvelope(envelopeOfStream(order));

      // Act
      const kinesis = serializeChangeEnvelope(
        buildChangeEnvelope(
          decodeKinesisRecord(kinesisRecord(order, { precision: 'MICROSECOND' })),
          PRODUCED_AT,
        ),
      );

      // Assess: substituting the sequence number alone turns one byte string into the other.
      const expected = streams.replace(
        '"sequenceNumber":"4421584500000000017450439091"',
        '"sequenceNumber":"1764144000000000"',
      );
      expect(expected).not.toBe(streams);
      expect(Buffer.from(kinesis)).toEqual(Buffer.from(expected));
    });

    it('differs only in source.ts_ms precision and sequence number for a sub-second change time', () => {
      // Prepare
      const spec: ChangeSpec = { ...order, createdAtMs: 1_764_144_000_987 };
      const streams = serializeChangeEnvelope(envelopeOfStream(spec));

      // Act
      const kinesis = serializeChangeEnvelope(
        buildChangeEnvelope(
          decodeKinesisRecord(kinesisRecord(spec, { precision: 'MILLISECOND' })),
          PRODUCED_AT,
        ),
      );

      // Assess
      const expected = streams.replace(
        '"sequenceNumber":"4421584500000000017450439091","ts_ms":1764144000000,',
        '"sequenceNumber":"1764144000987000","ts_ms":1764144000987,',
      );
      expect(expected).not.toBe(streams);
      expect(kinesis).toBe(expected);
    });
  });

  describe('malformed records', () => {
    it.each([
      [
        'an N that is not a number',
        { price: { N: 'abc' } },
        'dynamodb.NewImage.price: N "abc" is not a number',
      ],
      [
        'two types in one value',
        { x: { S: 'a', N: '1' } },
        'dynamodb.NewImage.x: has more than one type (S, N)',
      ],
      ['an unknown type', { x: { Z: 'a' } }, 'dynamodb.NewImage.x: has unknown type Z'],
      ['bad base64', { x: { B: '***' } }, 'dynamodb.NewImage.x: B is not base64'],
      [
        'a nested bad number',
        { x: { L: [{ M: { y: { NS: ['1', 'x'] } } }] } },
        'dynamodb.NewImage.x[0].y[1]: N "x" is not a number',
      ],
    ])('rejects %s, naming where', (_, newImage, message) => {
      // Act
      const act = () =>
        envelopeOfStream({ eventName: 'INSERT', keys: { id: { S: 'a' } }, newImage: newImage as never });

      // Assess
      expect(act).toThrow(PoisonChangeError);
      expect(act).toThrow(message);
    });

    it('rejects Kinesis data that is not JSON and a record without keys', () => {
      // Act
      const notJson = () => decodeKinesisRecord(kinesisRecordOf('not json'));
      const noKeys = () =>
        decodeStreamRecord({
          ...streamRecord({ eventName: 'INSERT', keys: {} }),
          dynamodb: { SequenceNumber: '1' },
        });

      // Assess
      expect(notJson).toThrow(/kinesis.data: is not JSON/);
      expect(noKeys).toThrow('dynamodb.Keys: is missing or not an object');
    });
  });
});
