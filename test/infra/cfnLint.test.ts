/**
 * AWS's CloudFormation linter over every synthesized template variant (`pipelineVariants.ts`, and the
 * all-existing pipeline of issue 15): no error,
 * and no warning that the one ignore list (`local/cfnLint/ignoredRules.ts`) does not explain. An ignore
 * entry no variant triggers any more fails too. The first run creates cfn-lint's venv (pip, a minute).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/streambridgeApp';
import {
  CFN_LINT_IGNORED_RULES,
  type CfnLintReport,
  ensureCfnLint,
  formatFindings,
  lintTemplates,
} from '../../local/cfnLint';
import { EXISTING_VARIANTS, PIPELINE_VARIANTS, type PipelineVariant } from './pipelineVariants';

/** The reference variants, and the pipeline where everything exists (its bridges stack alone). */
const LINTED_VARIANTS: Record<string, PipelineVariant> = {
  ...PIPELINE_VARIANTS,
  allExisting: EXISTING_VARIANTS.allExisting,
};

const INSTALL_TIMEOUT_MS = 600_000;

let report: CfnLintReport;

beforeAll(async () => {
  await ensureCfnLint();
  const templates = Object.entries(LINTED_VARIANTS).flatMap(([name, variant]) => {
    const { app } = buildApp(variant.config, {
      skipBundling: true,
      cloudFormationValidation: false,
      outdir: mkdtempSync(join(tmpdir(), `sb-cfn-lint-${name}-`)),
      ...variant.options,
    });
    return app.synth().stacks.map((stack) => stack.templateFullPath);
  });
  report = await lintTemplates(templates);
}, INSTALL_TIMEOUT_MS);

describe('cfn-lint', () => {
  it('lints both stacks of every variant, and the bridges stack of the all-existing one', () => {
    expect(report.templates).toHaveLength(2 * Object.keys(PIPELINE_VARIANTS).length + 1);
  });

  it('finds no error and no warning the ignore list does not explain', () => {
    expect(formatFindings(report.unexplained)).toBe('');
  });

  it('keeps no ignore entry that no template needs', () => {
    expect(Object.keys(CFN_LINT_IGNORED_RULES).filter((rule) => !report.ignored.has(rule))).toEqual([]);
  });

  it('gives every ignored rule a reason', () => {
    for (const [rule, reason] of Object.entries(CFN_LINT_IGNORED_RULES)) {
      expect(reason.length, rule).toBeGreaterThan(60);
    }
  });
});
