/**
 * `streambridge cfn-lint [assembly-dir]`: runs AWS's CloudFormation linter over every template of a
 * synthesized cloud assembly (default `cdk.out`, from `npx cdk synth`) with the project's ignore list;
 * exits 1 on any error or unexplained warning.
 *
 * @example
 * ```sh
 * npx cdk synth -c streambridge:config=my.config.ts && npx streambridge cfn-lint cdk.out
 * ```
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatFindings, lintTemplates } from '../cfnLint';
import type { CliCommand } from './types';

export const cfnLintCommand: CliCommand = {
  description: 'lint the templates of a cloud assembly (default cdk.out) with cfn-lint and the ignore list',
  async run(args) {
    if (args.length > 1 || args.some((arg) => arg.startsWith('-'))) {
      console.error('usage: streambridge cfn-lint [assembly-dir]');
      return 2;
    }
    const dir = resolve(args[0] ?? 'cdk.out');
    const templates = existsSync(dir)
      ? readdirSync(dir)
          .filter((file) => file.endsWith('.template.json'))
          .map((file) => join(dir, file))
      : [];
    if (templates.length === 0) {
      console.error(`no *.template.json in ${dir}: run \`npx cdk synth\` first`);
      return 1;
    }
    const report = await lintTemplates(templates);
    for (const [rule, findings] of report.ignored) {
      console.log(`ignored ${rule} ×${findings.length} (see local/cfnLint/ignoredRules.ts)`);
    }
    if (report.unexplained.length > 0) {
      console.log(formatFindings(report.unexplained));
      return 1;
    }
    console.log(`cfn-lint: ${templates.length} templates, no error, no unexplained warning`);
    return 0;
  },
};
