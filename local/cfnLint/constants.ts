/** Constants of the cfn-lint check: the pinned version and where its venv lives. */

/** AWS's CloudFormation linter from PyPI, pinned: a new release may add rules, so moving it is deliberate. */
export const CFN_LINT = {
  requirement: 'cfn-lint==1.58.0',
  executable: 'cfn-lint',
  /** Relative to the project root; beside the moto venv, created on first use. */
  venvDir: '.streambridge/cfn-lint-venv',
} as const;

/** cfn-lint's levels, as its JSON output spells them. */
export const CFN_LINT_LEVELS = {
  error: 'Error',
  warning: 'Warning',
  informational: 'Informational',
} as const;
