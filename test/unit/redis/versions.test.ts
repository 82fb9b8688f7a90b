import { describe, expect, it } from 'vitest';
import { PoisonRecordError } from '../../../lambdas/core/sink/errors';
import { eventVersion, isNewerVersion, versionText } from '../../../lambdas/kafka-to-redis/versions';
import { changeEnvelope, sinkEvent } from './factories';

describe('isNewerVersion', () => {
  it.each([
    ['10', '9', true],
    ['9', '10', false],
    ['100000000000000000000000000000000000001', '99999999999999999999999999999999999999', true],
    ['42', '42', false],
    ['43', '42', true],
    ['0', '0', false],
  ])('%s newer than %s: %s', (a, b, expected) => {
    expect(isNewerVersion(a, b)).toBe(expected);
  });
});

describe('versionText', () => {
  it.each([
    [7, '7'],
    [0, '0'],
    ['000123', '123'],
    ['0', '0'],
    [' 55 ', '55'],
    [{ $N: '12345678901234567890' }, '12345678901234567890'],
    [12n, '12'],
  ])('reads %s as %s', (value, expected) => {
    expect(versionText(value)).toBe(expected);
  });

  it.each([[-1], [1.5], [2 ** 60], ['1e3'], ['-4'], [''], [{ $N: '1.5' }], [true], [null]])(
    'refuses %j',
    (value) => {
      expect(versionText(value)).toBeUndefined();
    },
  );
});

describe('eventVersion', () => {
  it('reads the change envelope sequence number by default and a configured field otherwise', () => {
    const event = sinkEvent({ offset: 0, value: changeEnvelope('u', { v: '0042' }, '000900') });
    expect(eventVersion(event, undefined)).toBe('900');
    expect(eventVersion(event, 'v')).toBe('42');
  });

  it('makes an event without a usable version poison, naming the source', () => {
    const plain = sinkEvent({ offset: 0, value: { v: 'x' } });
    expect(() => eventVersion(plain, undefined)).toThrow(PoisonRecordError);
    expect(() => eventVersion(plain, 'v')).toThrow(
      'field "v" is not a non-negative integer version (got "x")',
    );
    expect(() => eventVersion(plain, 'w')).toThrow('field "w" (the cache version) is missing');
  });
});
