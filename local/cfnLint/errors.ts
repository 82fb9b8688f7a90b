/** cfn-lint could not run, or printed something that is not its JSON report. */
export class CfnLintError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`cfn-lint: ${message}`, options);
    this.name = 'CfnLintError';
  }
}
