/** A pipeline configuration problem. `issues` lists every problem found, each naming its field path. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[], context = 'invalid pipeline config') {
    super(`${context}:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
