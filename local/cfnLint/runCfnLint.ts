/**
 * Runs AWS's CloudFormation linter (cfn-lint, from its own pinned venv under `.streambridge/`, created on
 * first use) over synthesized templates, and splits its findings by the one ignore list
 * (`ignoredRules.ts`): what is left is what a clean run must not have.
 *
 * @example
 * ```ts
 * const report = await lintTemplates(['cdk.out/shop-data.template.json']);
 * if (report.unexplained.length > 0) console.log(formatFindings(report.unexplained));
 * ```
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from '../services/fileLock';
import { ensurePythonVenv } from '../services/pythonVenv';
import { projectRoot } from '../services/resolveServicesConfig';
import { CFN_LINT, CFN_LINT_LEVELS } from './constants';
import { CfnLintError } from './errors';
import { CFN_LINT_IGNORED_RULES } from './ignoredRules';
import type { CfnLintFinding, CfnLintLevel, CfnLintReport } from './types';

const run = promisify(execFile);

export interface CfnLintOptions {
  /** Progress lines (the first run's install); default stderr. */
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Creates the cfn-lint venv unless it is there; returns the path of `cfn-lint`. */
export async function ensureCfnLint(options: CfnLintOptions = {}): Promise<string> {
  const venvDir = join(projectRoot, CFN_LINT.venvDir);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Test workers and the CLI may ask at once: one installs, the others wait and find it ready.
  return withFileLock(`${venvDir}.lock`, 'installing cfn-lint', log, () =>
    ensurePythonVenv({
      label: 'cfn-lint',
      venvDir,
      requirement: CFN_LINT.requirement,
      executable: CFN_LINT.executable,
      env: options.env ?? process.env,
      log,
    }),
  );
}

interface RawMatch {
  readonly Filename?: string;
  readonly Level?: string;
  readonly Message?: string;
  readonly Rule?: { readonly Id?: string };
  readonly Location?: { readonly Path?: readonly (string | number)[] };
}

function parseFindings(stdout: string, stderr: string): CfnLintFinding[] {
  let matches: unknown;
  try {
    matches = JSON.parse(stdout.trim() || '[]');
  } catch (error) {
    throw new CfnLintError(`output is not its JSON report: ${(stdout || stderr).slice(0, 500)}`, {
      cause: error,
    });
  }
  if (!Array.isArray(matches)) throw new CfnLintError(`output is not a list: ${stdout.slice(0, 500)}`);
  return (matches as RawMatch[]).map((match) => ({
    rule: match.Rule?.Id ?? '?',
    level: (match.Level ?? CFN_LINT_LEVELS.error) as CfnLintLevel,
    message: match.Message ?? '',
    file: match.Filename ?? '?',
    path: (match.Location?.Path ?? []).join('/'),
  }));
}

/**
 * Lints the templates with every rule on (errors and warnings) and sorts the findings into those the
 * ignore list explains and the rest.
 */
export async function lintTemplates(
  templates: readonly string[],
  options: CfnLintOptions = {},
): Promise<CfnLintReport> {
  if (templates.length === 0) throw new CfnLintError('no template to lint');
  const cfnLint = await ensureCfnLint(options);
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await run(cfnLint, ['--format', 'json', '--', ...templates], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...(options.env ?? process.env), PYTHONWARNINGS: 'ignore' },
    }));
  } catch (error) {
    // cfn-lint exits non-zero whenever it reports a match (2 errors, 4 warnings, 8 informational).
    const failed = error as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof failed.stdout !== 'string' || typeof failed.code !== 'number') {
      throw new CfnLintError(`cannot run ${cfnLint}: ${(error as Error).message}`, { cause: error });
    }
    stdout = failed.stdout;
    stderr = failed.stderr ?? '';
  }
  const unexplained: CfnLintFinding[] = [];
  const ignored = new Map<string, CfnLintFinding[]>();
  for (const finding of parseFindings(stdout, stderr)) {
    if (finding.rule in CFN_LINT_IGNORED_RULES && finding.level !== CFN_LINT_LEVELS.error) {
      ignored.set(finding.rule, [...(ignored.get(finding.rule) ?? []), finding]);
    } else {
      unexplained.push(finding);
    }
  }
  return { templates, unexplained, ignored };
}

/** One line per finding: `W3005 Warning shop-data.template.json Resources/X/DependsOn: message`. */
export function formatFindings(findings: readonly CfnLintFinding[]): string {
  return findings
    .map((f) => `${f.rule} ${f.level} ${f.file.split('/').pop()} ${f.path}: ${f.message}`)
    .join('\n');
}
