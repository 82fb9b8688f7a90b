/** Errors of the local deployer. Each message names the stack, resource and property at fault. */
import type { MissingResource } from './existing/types';

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

/**
 * Resources the pipeline config declares existing are not on the local servers: one line each, naming the
 * config field, the resource and a command that creates it. Nothing was deployed.
 */
export class ExistingResourcesMissingError extends LocalDeployError {
  public readonly missing: readonly MissingResource[];

  public constructor(missing: readonly MissingResource[]) {
    const lines = missing.map((entry) => `${entry.path}: ${entry.problem}; create it: ${entry.create}`);
    super(
      `${missing.length} resource(s) the config declares existing are missing; nothing was deployed:\n${lines.join('\n')}`,
    );
    this.name = 'ExistingResourcesMissingError';
    this.missing = missing;
  }
}
