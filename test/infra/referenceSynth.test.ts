/**
 * The real synth of the reference pipeline, as `npx cdk synth` runs it: the handlers bundled by the local
 * esbuild, CDK's CloudFormation validation and cdk-nag's AwsSolutions checks run, and nothing to warn about.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type StreambridgeApp } from '../../lib/streambridgeApp';
import referenceConfig from '../../streambridge.config';
import type { CfnResourceJson } from './pipelineTemplates';

/** Every acknowledged cdk-nag finding of the reference pipeline: a new one must be added here deliberately. */
const EXPECTED_ACKNOWLEDGMENTS: Record<string, number> = {
  'AwsSolutions-VPC3': 1,
  'AwsSolutions-SMG4': 2,
  'AwsSolutions-AEC5': 1,
  'AwsSolutions-AEC6': 1,
  'AwsSolutions-SQS3': 4,
  // The failure-record bucket: no access logs (S1), and each function's PutObject on its objects (IAM5).
  'AwsSolutions-S1': 1,
  'AwsSolutions-IAM5[Resource::streambridge-data:ExportsOutputFnGetAttFailureRecordsBucket4F21EBAFArnA6B17210/*]': 4,
  'AwsSolutions-IAM5[Resource::*]': 4,
  'AwsSolutions-L1': 4,
  // The provider function of AwsCustomResource (the deploy-time bootstrap broker lookup).
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 1,
};

let built: StreambridgeApp;
let assembly: CloudAssembly;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sb-synth-'));
  built = buildApp(referenceConfig, { outdir });
  assembly = built.app.synth();
});

function functionsOf(stackName: string): CfnResourceJson[] {
  const template = assembly.getStackByName(stackName).template as {
    Resources: Record<string, CfnResourceJson>;
  };
  return Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
}

describe('the reference synth', () => {
  it('bundles each handler into one minified CommonJS file with its source map', () => {
    const functions = functionsOf(built.bridges.stackName);
    expect(functions).toHaveLength(4);
    const assets = new Set<string>();
    for (const fn of functions) {
      const key = (fn.Properties.Code as { S3Key: string }).S3Key;
      const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      assets.add(dir);
      const code = readFileSync(join(dir, 'index.js'), 'utf8');
      expect(existsSync(join(dir, 'index.js.map'))).toBe(true);
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
      // Minified: long lines (template literals of the dependencies keep a few line breaks).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(code).toContain('exports');
      expect(code).not.toContain('import.meta');
    }
    expect(assets.size).toBe(4);
  });

  it('passes CDK CloudFormation validation and cdk-nag AwsSolutions with no finding', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    for (const plugin of report.pluginReports) expect(plugin.violations ?? []).toEqual([]);
  });

  it('carries no warning or error annotation', () => {
    for (const stack of assembly.stacks) {
      const messages = stack.messages.filter((m) => m.level !== 'info');
      expect(messages.map((m) => `${m.id}: ${m.entry.data}`)).toEqual([]);
    }
  });

  it('acknowledges only the expected cdk-nag findings, each with a reason', () => {
    const counts: Record<string, number> = {};
    for (const construct of built.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          const rule = id.replace(/^annotation::/i, '');
          // aws-cdk-lib acknowledges a few CloudFormation-Validate rules of its own constructs.
          if (!rule.startsWith('AwsSolutions-')) continue;
          expect(String(reason).length, rule).toBeGreaterThan(60);
          counts[rule] = (counts[rule] ?? 0) + 1;
        }
      }
    }
    expect(counts).toEqual(EXPECTED_ACKNOWLEDGMENTS);
  });
});
