/** The cfn-lint check of synthesized templates (used by the infra tests and `streambridge cfn-lint`). */
export { CfnLintError } from './errors';
export { CFN_LINT_IGNORED_RULES } from './ignoredRules';
export { ensureCfnLint, formatFindings, lintTemplates } from './runCfnLint';
export type { CfnLintFinding, CfnLintReport } from './types';
