/** Errors of the local execution environments. */

/** The environment was stopped (runtime shutdown) while an invocation waited or ran. */
export class EnvironmentStoppedError extends Error {
  constructor(functionName: string) {
    super(`execution environment of ${functionName} was stopped`);
    this.name = 'EnvironmentStoppedError';
  }
}

/** A function's asset or handler cannot be run locally; names what is wrong. */
export class FunctionConfigError extends Error {
  constructor(functionName: string, problem: string) {
    super(`function ${functionName}: ${problem}`);
    this.name = 'FunctionConfigError';
  }
}
