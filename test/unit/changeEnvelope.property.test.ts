import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildChangeEnvelope, serializeChangeEnvelope } from '../../lambdas/core/changeEnvelope';
import {
  fromJsonItem,
  fromJsonValue,
  toJsonItem,
  toJsonValue,
} from '../../lambdas/core/envelope/attributeValues';
import { decodeKinesisRecord } from '../../lambdas/core/envelope/decodeKinesisRecord';
import { decodeStreamRecord } from '../../lambdas/core/envelope/decodeStreamRecord';
import { attributeValueArbitrary, itemArbitrary, kinesisRecord, streamRecord } from '../factories/cdcRecords';

/** Own members as a plain comparable structure (so `__proto__` members are compared too). */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.keys(value)
      .sort()
      .map((k) => [k, comparable((value as Record<string, unknown>)[k])]);
  }
  return value;
}

describe('lossless mapping (property)', () => {
  it('any DynamoDB item round-trips through envelope JSON text back to the same attribute values', () => {
    fc.assert(
      fc.property(itemArbitrary, (item) => {
        // Act
        const text = JSON.stringify(toJsonItem(item));
        const back = fromJsonItem(JSON.parse(text));

        // Assess
        expect(comparable(back)).toEqual(comparable(item));
      }),
      { numRuns: 2000 },
    );
  });

  it('any attribute value round-trips on its own', () => {
    fc.assert(
      fc.property(attributeValueArbitrary, (value) => {
        expect(comparable(fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(value, 'v'))), 'v'))).toEqual(
          comparable(value),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('a JSON number in an envelope always reads back as the exact DynamoDB number text', () => {
    fc.assert(
      fc.property(itemArbitrary, (item) => {
        const json = toJsonItem(item);
        JSON.stringify(json, (_key, value) => {
          if (typeof value === 'number')
            expect(Number.isSafeInteger(value) || !Number.isInteger(value)).toBe(true);
          return value;
        });
      }),
      { numRuns: 500 },
    );
  });

  it('the same item gives the same envelope bytes on both paths whatever its attribute order', () => {
    fc.assert(
      fc.property(itemArbitrary, fc.uuid(), (image, eventId) => {
        // Prepare: the Kinesis copy lists attributes in reverse order.
        const reversed = Object.fromEntries(Object.entries(image).reverse());
        const keys = { id: { S: 'k' } };
        const spec = {
          eventName: 'INSERT' as const,
          eventId,
          keys,
          sequenceNumber: '100',
          createdAtMs: 1_764_144_000_000,
        };

        // Act
        const streams = buildChangeEnvelope(
          decodeStreamRecord(streamRecord({ ...spec, newImage: image })),
          1,
        );
        const kinesis = buildChangeEnvelope(
          decodeKinesisRecord(kinesisRecord({ ...spec, newImage: reversed }, { precision: 'MILLISECOND' })),
          1,
        );

        // Assess
        expect(
          serializeChangeEnvelope({ ...kinesis, source: { ...kinesis.source, sequenceNumber: '100' } }),
        ).toBe(serializeChangeEnvelope(streams));
      }),
      { numRuns: 300 },
    );
  });
});
