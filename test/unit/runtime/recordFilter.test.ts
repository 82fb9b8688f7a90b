import { describe, expect, it } from 'vitest';
import { matchesFilters } from '../../../local/runtime/pollers/recordFilter';

describe('matchesFilters', () => {
  it('passes everything without filters and ORs several filters', () => {
    expect(matchesFilters({ a: 1 }, [])).toBe(true);
    expect(matchesFilters({ a: 1 }, [{ a: [2] }, { a: [1] }])).toBe(true);
    expect(matchesFilters({ a: 1 }, [{ a: [2] }, { a: [3] }])).toBe(false);
  });
});
