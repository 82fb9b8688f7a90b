import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SynthError } from '../../../local/deploy/errors';
import { readCloudAssembly } from '../../../local/deploy/readCloudAssembly';

function writeAssembly(artifacts: Record<string, unknown>, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-assembly-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), JSON.stringify(content));
  return dir;
}

describe('readCloudAssembly', () => {
  it('returns stacks in dependency order with their file assets', () => {
    // Prepare
    const dir = writeAssembly(
      {
        'app-stateless.assets': {
          type: 'cdk:asset-manifest',
          properties: { file: 'app-stateless.assets.json' },
        },
        'app-stateless': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'app-stateless.template.json' },
          dependencies: ['app-stateful', 'app-stateless.assets'],
        },
        'app-stateful': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'app-stateful.template.json' },
        },
      },
      {
        'app-stateless.template.json': { Resources: { Fn: { Type: 'AWS::Lambda::Function' } } },
        'app-stateful.template.json': { Resources: { Table: { Type: 'AWS::DynamoDB::Table' } } },
        'app-stateless.assets.json': {
          files: {
            abc: {
              source: { path: 'asset.abc', packaging: 'zip' },
              destinations: { current: { bucketName: 'b', objectKey: 'abc.zip' } },
            },
          },
        },
      },
    );
    mkdirSync(join(dir, 'asset.abc'));

    // Act
    const assembly = readCloudAssembly(dir);

    // Assess
    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(['app-stateful', 'app-stateless']);
    expect(assembly.stacks[1].dependencies).toEqual(['app-stateful']);
    expect(assembly.stacks[1].assets.get('abc.zip')).toEqual({
      path: join(dir, 'asset.abc'),
      packaging: 'zip',
    });
  });

  it('says so when the directory is not a cloud assembly', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'sb-empty-'));

    // Act
    const act = () => readCloudAssembly(dir);

    // Assess
    expect(act).toThrow(SynthError);
    expect(act).toThrow(`${dir} is not a cloud assembly (no manifest.json); synthesize the app first`);
  });
});
