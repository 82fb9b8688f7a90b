import { describe, expect, it } from 'vitest';
import { POISON_KINDS, PoisonRecordError } from '../../../lambdas/core/sink/errors';
import { itemSizeBytes, toSdkAttribute, toSdkItem } from '../../../lambdas/kafka-to-dynamodb/sdkItems';

describe('toSdkItem', () => {
  it('maps event JSON through the envelope’s lossless tags to SDK attribute values', () => {
    // Prepare
    const fields = {
      name: 'lamp',
      price: 12.5,
      big: { $N: '12345678901234567890' },
      photo: { $B: 'AAEC' },
      tags: { $SS: ['a', 'b'] },
      photos: { $BS: ['AAE='] },
      list: [1, null, true, { nested: 'x' }],
    };

    // Act
    const item = toSdkItem(fields);

    // Assess
    expect(item.name).toEqual({ S: 'lamp' });
    expect(item.price).toEqual({ N: '12.5' });
    expect(item.big).toEqual({ N: '12345678901234567890' });
    expect(Buffer.from(item.photo?.B as Uint8Array)).toEqual(Buffer.from([0, 1, 2]));
    expect(item.tags).toEqual({ SS: ['a', 'b'] });
    expect(item.photos?.BS?.map((b) => Buffer.from(b).toString('base64'))).toEqual(['AAE=']);
    expect(item.list).toEqual({
      L: [{ N: '1' }, { NULL: true }, { BOOL: true }, { M: { nested: { S: 'x' } } }],
    });
  });

  it('makes a malformed tagged value a decode poison error naming the field', () => {
    // Act
    const convert = () => toSdkItem({ price: { $N: 'twelve' } });

    // Assess
    expect(convert).toThrow(PoisonRecordError);
    expect(convert).toThrow(/event\.price: N "twelve" is not a number/);
    try {
      convert();
    } catch (error) {
      expect((error as PoisonRecordError).kind).toBe(POISON_KINDS.decode);
    }
  });

  it('converts a single value', () => {
    // Act / Assess
    expect(toSdkAttribute(7, 'id')).toEqual({ N: '7' });
    expect(toSdkAttribute('7', 'id')).toEqual({ S: '7' });
  });
});

describe('itemSizeBytes', () => {
  it.each([
    [{ id: { S: 'a' } }, 3],
    [{ name: { S: 'héllo' } }, 4 + 6],
    [{ n: { N: '12345' } }, 1 + 4],
    [{ n: { N: '-0.001' } }, 1 + 2],
    [{ ok: { BOOL: true } }, 2 + 1],
    [{ l: { L: [{ S: 'ab' }, { NULL: true }] } }, 1 + 3 + (1 + 2) + (1 + 1)],
    [{ m: { M: { k: { S: 'v' } } } }, 1 + 3 + (1 + 1) + 1],
  ])('sizes %j as %i bytes', (item, expected) => {
    // Act / Assess
    expect(itemSizeBytes(item)).toBe(expected);
  });

  it('counts binary by its bytes', () => {
    // Act / Assess
    expect(itemSizeBytes({ b: { B: new Uint8Array(400 * 1024) } })).toBe(1 + 400 * 1024);
  });
});
