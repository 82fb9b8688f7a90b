import { describe, expect, it } from 'vitest';
import { pipelineChecks } from '../../../config/semanticChecks';
import type { PipelineConfig } from '../../../config/types';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import reference from '../../../streambridge.config';

/** The reference config with its sessions table and mapping changed. */
function withSessions(mutate: (table: Record<string, unknown>, mapping: Record<string, unknown>) => void) {
  const copy = structuredClone(reference) as PipelineConfig & {
    sinks: { dynamodb: { tables: object[]; mappings: object[] } };
  };
  const mapping = copy.sinks.dynamodb.mappings.find(
    (m) => (m as { mode: string }).mode === 'sessions',
  ) as Record<string, unknown>;
  const table = copy.sinks.dynamodb.tables.find(
    (t) => (t as { name: string }).name === mapping.table,
  ) as Record<string, unknown>;
  mutate(table, mapping);
  return copy;
}

describe('sessions mapping config', () => {
  it('accepts the reference pipeline', () => {
    expect(() => validatePipelineConfig(reference)).not.toThrow();
  });

  it.each<[string, (t: Record<string, unknown>, m: Record<string, unknown>) => void, string]>([
    ['an undeclared index', (_t, m) => (m.index = 'byUser'), 'declares no global index "byUser"'],
    ['a numeric sort key', (t) => (t.sortKey = { name: 'sk', type: 'N' }), 'sortKey must be of type S'],
    [
      'an index without a sort key',
      (t) => (t.globalIndexes = [{ name: 'byDay', partitionKey: { name: 'gsi1pk', type: 'S' } }]),
      'index "byDay" needs a sortKey of type S',
    ],
    [
      'retention without a TTL attribute',
      (t) => delete t.ttlAttribute,
      'has no ttlAttribute to hold the expiry',
    ],
    [
      'a repeated funnel step',
      (_t, m) => (m.funnel = { stepField: 'action', steps: ['view', 'cart', 'view'], windowSeconds: 60 }),
      'funnel.steps[2]: duplicate step "view"',
    ],
    [
      'a repeated index name',
      (t) => (t.globalIndexes = [...(t.globalIndexes as object[]), ...(t.globalIndexes as object[])]),
      'globalIndexes[1].name: duplicate index "byDay"',
    ],
  ])('reports %s', (_name, mutate, message) => {
    const issues = pipelineChecks(withSessions(mutate));
    expect(
      issues.some((issue) => issue.includes(message)),
      issues.join('\n'),
    ).toBe(true);
  });

  it('refuses a gap out of range with the field path', () => {
    expect(() => validatePipelineConfig(withSessions((_t, m) => (m.gapSeconds = 0)))).toThrow(
      /mappings\[\d\]\.gapSeconds/,
    );
  });
});
