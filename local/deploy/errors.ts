/** Errors of the local deployer. Each message names the stack, resource and property at fault. */

/** Base class: one-line messages fit for the CLI. */
export class LocalDeployError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalDeployError';
  }
}

/** The CDK app could not be synthesized, or its cloud assembly cannot be read. */
export class SynthError extends LocalDeployError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SynthError';
  }
}

/** A template value the deployer cannot resolve or does not accept. */
export class TemplateError extends LocalDeployError {
  public readonly stackName: string;
  public readonly logicalId: string;
  public readonly path: string;

  public constructor(stackName: string, logicalId: string, path: string, problem: string) {
    super(`${stackName}/${logicalId}${path ? `.${path}` : ''}: ${problem}`);
    this.name = 'TemplateError';
    this.stackName = stackName;
    this.logicalId = logicalId;
    this.path = path;
  }
}

/** A local server refused or failed an operation on a resource. */
export class ResourceDeployError extends LocalDeployError {
  public readonly logicalId: string;

  public constructor(
    stackName: string,
    logicalId: string,
    name: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${stackName}/${logicalId} (${name}): ${problem}`, options);
    this.name = 'ResourceDeployError';
    this.logicalId = logicalId;
  }
}

/** `status`, `run` or `destroy` found no state file: nothing was deployed yet. */
export class NotDeployedError extends LocalDeployError {
  public constructor(stateFile: string) {
    super(`no local deployment recorded in ${stateFile}; run \`streambridge local deploy\` first`);
    this.name = 'NotDeployedError';
  }
}
