import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE_COMMAND, renderConfigReference } from '../../../config/configReference';
import { ConfigError } from '../../../config/errors';
import { CONFIG_REFERENCE_PATH, documentedDefaults } from '../../../local/commands/docs';
import reference from '../../../streambridge.config';

/** Every field path of a value, lists written as `[]` (the page's notation). */
function fieldPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((entry) => fieldPaths(entry, `${path}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([field, child]) => {
    const at = path ? `${path}.${field}` : field;
    // Free-form objects: a JSON Schema, a filter pattern, a value → topic map.
    if (['schema', 'filter', 'deleteWhen', 'topics'].includes(field) && !Array.isArray(child)) return [at];
    if (field === 'filters') return [at];
    return [at, ...fieldPaths(child, at)];
  });
}

describe('docs/configuration.md', () => {
  it('is what the schema generates', () => {
    // Prepare
    const committed = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    // Act
    const generated = renderConfigReference(documentedDefaults());
    // Assess
    expect(
      committed === generated,
      `docs/configuration.md is stale: run \`${CONFIG_REFERENCE_COMMAND}\` and commit the page`,
    ).toBe(true);
  });

  it('documents every field the reference pipeline uses', () => {
    // Prepare
    const page = renderConfigReference(documentedDefaults());
    const shown = (path: string) =>
      page.includes(`\`${path}\``) ||
      page.includes(
        `\`${path.replace(/^sources\[\]\.eventSource|^sinks\.\w+\.eventSource/, 'eventSource')}\``,
      );
    // Act
    const missing = fieldPaths(reference, '').filter((path) => !shown(path));
    // Assess
    expect(missing).toEqual([]);
  });

  it('shows the defaults the CDK constructs apply', () => {
    // Act
    const page = renderConfigReference(documentedDefaults());
    // Assess
    expect(page).toMatch(/\| `eventSource\.retryAttempts` \| integer \| `1000` \| 0 to 10 000 \|/);
    expect(page).toMatch(/\| `kafka\.instanceType` \| string \| `kafka\.t3\.small` \|/);
  });

  it('refuses a default for a field it does not show', () => {
    expect(() => renderConfigReference({ 'kafka.brokers': { value: 3 } })).toThrow(ConfigError);
  });

  it('refuses a default given both in the schema and by the caller', () => {
    expect(() => renderConfigReference({ 'sources[].via': { value: 'kinesis' } })).toThrow(
      /sources\[\]\.via: has a default in the schema and one passed in/,
    );
  });
});
