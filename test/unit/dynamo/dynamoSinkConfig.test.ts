import { describe, expect, it } from 'vitest';
import type { DynamoSinkConfig } from '../../../config/types';
import { validateDynamoSinkSlice } from '../../../config/validatePipelineConfig';
import reference from '../../../streambridge.config';

const base = reference.sinks.dynamodb as DynamoSinkConfig;

function withMapping(index: number, change: Record<string, unknown>, tables = base.tables): unknown {
  return {
    ...base,
    tables,
    mappings: base.mappings.map((m, i) => (i === index ? { ...m, ...change } : m)),
  };
}

function issues(slice: unknown): string {
  try {
    validateDynamoSinkSlice(slice);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('DynamoDB sink config: table shapes per mode', () => {
  it('accepts the reference pipeline’s sink', () => {
    // Act / Assess
    expect(issues(base)).toBe('');
  });

  it('needs a string sort key for the default time-series sort key', () => {
    // Prepare
    const tables = base.tables.map((t) =>
      t.name === 'sb-telemetry-series' ? { ...t, sortKey: { name: 'sk', type: 'N' as const } } : t,
    );

    // Act / Assess
    expect(issues(withMapping(0, {}, tables))).toMatch(
      /dynamodb\.mappings\[0\]\.sortKey: the default sort key is a string/,
    );
    expect(issues(withMapping(0, { sortKey: { name: 'sk', template: '{ts}' } }, tables))).toBe('');
  });

  it('needs an aggregate sort key template exactly when the table has a sort key', () => {
    // Prepare
    const { sortKey: _dropped, ...withoutSortKey } = base.mappings[1] as unknown as Record<string, unknown>;
    const slice = { ...base, mappings: base.mappings.map((m, i) => (i === 1 ? withoutSortKey : m)) };

    // Act / Assess
    expect(issues(slice)).toMatch(/dynamodb\.mappings\[1\]\.sortKey: table "sb-page-views" has a sort key/);
  });

  it('refuses a sort key on a state table', () => {
    // Prepare
    const tables = base.tables.map((t) =>
      t.name === 'sb-order-state' ? { ...t, sortKey: { name: 'v', type: 'N' as const } } : t,
    );

    // Act / Assess
    expect(issues(withMapping(2, {}, tables))).toMatch(
      /dynamodb\.mappings\[2\]\.table: a state table .* no sort key/,
    );
  });

  it('expires upsert tombstone markers only through a declared TTL attribute', () => {
    // Act / Assess
    expect(issues(withMapping(3, { tombstoneRetentionDays: 7 }))).toMatch(
      /dynamodb\.mappings\[3\]\.tombstoneRetentionDays: table "sb-products-replica" has no ttlAttribute/,
    );
    const tables = base.tables.map((t) =>
      t.name === 'sb-products-replica' ? { ...t, ttlAttribute: 'expiresAt' } : t,
    );
    expect(issues(withMapping(3, { tombstoneRetentionDays: 7 }, tables))).toBe('');
    expect(issues(withMapping(3, { tombstoneRetentionDays: 0 }, tables))).toMatch(
      /must be an integer from 1 to 3650/,
    );
  });
});
