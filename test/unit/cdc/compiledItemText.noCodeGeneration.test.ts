import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toJsonItem } from '../../../lambdas/core/envelope/losslessMapping';

describe('envelope text where code generation is disallowed', () => {
  it('writes the same bytes with the general writer when the runtime refuses to compile shape writers', () => {
    // Prepare: items of one shape (the second would be written by a compiled plan).
    const items = [0, 1, 2].map((i) => ({
      id: { S: `order-${i}` },
      total: { N: String(i * 1.5) },
      tags: { SS: ['a', 'b'] },
      lines: { L: [{ M: { sku: { S: 's' }, qty: { N: String(i) } } }] },
    }));
    const script = join(import.meta.dirname, '../../fixtures/envelope/compiledItemTexts.ts');

    // Act
    const output = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', script],
      { input: JSON.stringify(items), encoding: 'utf8' },
    );

    // Assess
    expect(output.trimEnd().split('\n')).toEqual(items.map((item) => JSON.stringify(toJsonItem(item))));
  });
});
