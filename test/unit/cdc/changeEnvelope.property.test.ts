import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildChangeEnvelope,
  changeEnvelopeText,
  serializeChangeEnvelope,
} from '../../../lambdas/core/envelope/changeEnvelope';
import { compiledJsonItemText } from '../../../lambdas/core/envelope/compiledItemText';
import { decodeKinesisRecord } from '../../../lambdas/core/envelope/decodeKinesisRecord';
import { decodeStreamRecord } from '../../../lambdas/core/envelope/decodeStreamRecord';
import { jsonItemText, jsonString } from '../../../lambdas/core/envelope/itemText';
import {
  fromJsonItem,
  fromJsonValue,
  toJsonItem,
  toJsonValue,
} from '../../../lambdas/core/envelope/losslessMapping';
import type { AttributeMap, AttributeValue, DynamoDbChange } from '../../../lambdas/core/envelope/types';
import {
  attributeValueArbitrary,
  itemArbitrary,
  kinesisRecord,
  streamRecord,
  utf16TextArbitrary,
} from '../../factories/cdcRecords';

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
      { numRuns: 1000 },
    );
  }, 60_000);

  it('any attribute value round-trips on its own', () => {
    fc.assert(
      fc.property(attributeValueArbitrary, (value) => {
        expect(comparable(fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(value, 'v'))), 'v'))).toEqual(
          comparable(value),
        );
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

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

  it('writes any string as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.oneof(utf16TextArbitrary, fc.string()), (text) => {
        expect(jsonString(text)).toBe(JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe.each([
  { name: 'general', itemText: jsonItemText },
  { name: 'compiled', itemText: compiledJsonItemText },
])('envelope image text by the $name writer (property)', ({ itemText }) => {
  it('gives the same bytes as serializing the envelope objects', () => {
    const change = fc.record({
      path: fc.constantFrom('dynamodb-streams' as const, 'kinesis' as const),
      eventName: fc.constantFrom('INSERT' as const, 'MODIFY' as const, 'REMOVE' as const),
      table: utf16TextArbitrary,
      region: fc.string(),
      eventId: utf16TextArbitrary,
      sequenceNumber: fc.string(),
      keys: itemArbitrary,
      newImage: fc.option(itemArbitrary, { nil: undefined }),
      oldImage: fc.option(itemArbitrary, { nil: undefined }),
      createdAtMicros: fc.integer({ min: 0, max: 4_000_000_000_000_000 }),
      ttlExpired: fc.boolean(),
    });
    fc.assert(
      fc.property(change, fc.integer({ min: 0, max: 4_000_000_000_000 }), (c: DynamoDbChange, producedAt) => {
        expect(itemText(c.keys)).toBe(JSON.stringify(toJsonItem(c.keys)));
        expect(changeEnvelopeText(c, producedAt, itemText)).toBe(
          serializeChangeEnvelope(buildChangeEnvelope(c, producedAt)),
        );
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('writes any decimal number text as the object mapping does (short decimals are written as they are)', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const decimal = fc
      .tuple(fc.boolean(), digits(0, 17), fc.nat({ max: 8 }), digits(0, 17))
      .map(([negative, integer, zeros, fraction]) => {
        const whole = integer.replace(/^0+/, '') || '0';
        const tail = whole === '0' ? '0'.repeat(zeros) + fraction : fraction;
        return `${negative ? '-' : ''}${whole}${tail ? `.${tail}` : ''}`;
      });
    fc.assert(
      fc.property(decimal, (text) => {
        const item = { n: { N: text } };
        expect(itemText(item)).toBe(JSON.stringify(toJsonItem(item)));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes items of one shape alike whatever their values, types and extra or missing members', () => {
    // Prepare: items derived from one item (the first leaves a shape plan, the others go through it):
    // some members get other values (of any type, so plans meet values they were not planned for),
    // some are dropped and some added; lists and maps nest further shapes.
    const variant = (base: AttributeMap) =>
      fc
        .tuple(
          fc.array(fc.tuple(fc.nat(), attributeValueArbitrary), { maxLength: 3 }),
          fc.array(fc.nat(), { maxLength: 2 }),
          itemArbitrary,
        )
        .map(([replaced, dropped, added]) => {
          const names = Object.keys(base);
          const item: Record<string, AttributeValue> = {};
          for (const name of names)
            Object.defineProperty(item, name, {
              value: base[name],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          for (const [at, value] of replaced)
            if (names.length > 0) item[names[at % names.length] as string] = value;
          for (const at of dropped) if (names.length > 0) delete item[names[at % names.length] as string];
          if (Object.keys(added).length % 2 === 0) {
            for (const name of Object.keys(added))
              if (name !== '__proto__') item[name] = added[name] as AttributeValue;
          }
          return item as AttributeMap;
        });
    const family = itemArbitrary.chain((base) =>
      fc.tuple(fc.constant(base), fc.array(variant(base), { minLength: 1, maxLength: 8 })),
    );

    fc.assert(
      fc.property(family, ([base, variants]) => {
        for (const item of [base, base, ...variants, ...variants]) {
          // Assess
          expect(itemText(item)).toBe(JSON.stringify(toJsonItem(item)));
        }
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('reports an invalid value in a known shape as the object mapping does, with its path', () => {
    // Prepare: a valid item of the shape (a member of every type) first, so the invalid ones meet its plan.
    const valid = {
      id: { S: 'a' },
      n: { N: '1' },
      flag: { BOOL: true },
      none: { NULL: true },
      bin: { B: 'AAEC' },
      tags: { SS: ['x'] },
      counts: { NS: ['1'] },
      blobs: { BS: ['AA=='] },
      lines: { L: [{ M: { sku: { S: 's' } } }] },
      meta: { M: { at: { N: '2' } } },
    };
    itemText(valid);
    const invalid = [
      { ...valid, id: { S: 1 } },
      { ...valid, id: { S: 'a', N: '1' } },
      { ...valid, n: { N: 'one' } },
      { ...valid, n: {} },
      { ...valid, n: null },
      { ...valid, flag: { BOOL: 'yes' } },
      { ...valid, none: { NULL: false } },
      { ...valid, bin: { B: 'not base64!' } },
      { ...valid, tags: { SS: ['x', 2] } },
      { ...valid, counts: { NS: ['1', 'x'] } },
      { ...valid, blobs: { BS: ['AA==', 'A'] } },
      { ...valid, lines: { L: [{ M: { sku: { S: 's' } } }, { M: { sku: { Q: 's' } } }] } },
      { ...valid, meta: { M: { at: { N: '1e' } } } },
    ];
    for (const item of invalid) {
      // Act
      const expected = (() => {
        try {
          toJsonItem(item, 'dynamodb.NewImage');
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      })();

      // Assess
      expect(expected).toMatch(/^dynamodb\.NewImage/);
      expect(() => itemText(item, 'dynamodb.NewImage')).toThrow(expected);
    }
  });

  it('writes names that are code elsewhere as data (quotes, backslashes, line separators, lone surrogates)', () => {
    // Prepare: compiled shape writers carry names as string literals; these would break out of a naive one.
    const names = ['a"];throw 1;//', 'b\\', 'c\u2028d\u2029', '\x24{e}', '*/f', '\ud800g', 'h\n', "i'"];
    const item = (value: string) =>
      Object.fromEntries(names.map((name) => [name, { M: { [name]: { S: value } } }])) as AttributeMap;

    // Act: the first item leaves a plan, the second is written by it.
    const texts = [item('x'), item('y')].map((each) => itemText(each));

    // Assess
    expect(texts).toEqual([item('x'), item('y')].map((each) => JSON.stringify(toJsonItem(each))));
    expect(fromJsonItem(JSON.parse(texts[1] as string))).toEqual(item('y'));
  });

  it('is not misled by names plain objects inherit (constructor, toString, __proto__)', () => {
    // Prepare: shapes with inherited names, then items of the same size that lack them.
    const withInherited = { id: { S: 'a' }, toString: { S: 'b' } };
    const withProto = JSON.parse('{"id":{"S":"a"},"__proto__":{"S":"c"}}') as AttributeMap;
    const lacking = { id: { S: 'a' }, other: { S: 'd' } };

    // Act
    const texts = [withInherited, withProto, lacking, withInherited, withProto, lacking].map((item) =>
      itemText(item),
    );

    // Assess
    expect(texts).toEqual([
      '{"id":"a","toString":"b"}',
      '{"__proto__":"c","id":"a"}',
      '{"id":"a","other":"d"}',
      '{"id":"a","toString":"b"}',
      '{"__proto__":"c","id":"a"}',
      '{"id":"a","other":"d"}',
    ]);
  });
});
