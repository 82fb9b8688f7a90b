/** Types of the cfn-lint check. */
import type { CFN_LINT_LEVELS } from './constants';

export type CfnLintLevel = (typeof CFN_LINT_LEVELS)[keyof typeof CFN_LINT_LEVELS];

/** One cfn-lint match: which rule, how bad, where. */
export interface CfnLintFinding {
  /** Rule id, e.g. `W3005`. */
  readonly rule: string;
  readonly level: CfnLintLevel;
  readonly message: string;
  /** The template file. */
  readonly file: string;
  /** Path in the template, e.g. `Resources/Fn/DependsOn/0`. */
  readonly path: string;
}

/** A cfn-lint run split by the ignore list. */
export interface CfnLintReport {
  readonly templates: readonly string[];
  /** Errors and warnings that no entry of the ignore list explains: a clean run has none. */
  readonly unexplained: readonly CfnLintFinding[];
  /** Findings of ignored rules, by rule id. */
  readonly ignored: ReadonlyMap<string, readonly CfnLintFinding[]>;
}
