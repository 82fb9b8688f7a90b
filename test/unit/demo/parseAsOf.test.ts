import { describe, expect, it } from 'vitest';
import { DemoArgumentError } from '../../../local/demo/errors';
import { parseAsOf } from '../../../local/demo/parseAsOf';

describe('parseAsOf', () => {
  it.each<[string, ReturnType<typeof parseAsOf>]>([
    ['3', { version: 3 }],
    ['v12', { version: 12 }],
    ['999999999', { version: 999_999_999 }],
    ['1764144000', { at: 1_764_144_000_000 }],
    ['1764144000123', { at: 1_764_144_000_123 }],
    ['2025-11-26T08:00:00Z', { at: 1_764_144_000_000 }],
    ['2025-11-26T09:00:00+01:00', { at: 1_764_144_000_000 }],
  ])('reads %s', (text, expected) => {
    // Act / Assess
    expect(parseAsOf(text)).toEqual(expected);
  });

  it.each(['0', 'v0', 'yesterday', '', '12:00'])('refuses %j with what it takes', (text) => {
    // Act / Assess
    expect(() => parseAsOf(text)).toThrow(DemoArgumentError);
  });
});
