import type { MissingPrerequisite, ServiceName } from './types';

/** Base class: every launcher error has a one-line message fit for the CLI. */
export class ServicesError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ServicesError';
  }
}

/** A tool needed to install or run a server is not on PATH (java, mvn, python3, redis-server). */
export class MissingPrerequisiteError extends ServicesError {
  public readonly missing: MissingPrerequisite[];

  public constructor(missing: MissingPrerequisite[]) {
    super(`missing prerequisite: ${missing.map((m) => `${m.name} (${m.hint})`).join('; ')}`);
    this.name = 'MissingPrerequisiteError';
    this.missing = missing;
  }
}

/** The AWS target switch has a bad value, or `aws` lacks its explicit allow or its region. */
export class AwsTargetError extends ServicesError {
  public constructor(message: string) {
    super(message);
    this.name = 'AwsTargetError';
  }
}

/** A port a server needs is held by a process that is not this launcher's server. */
export class PortInUseError extends ServicesError {
  public readonly service: ServiceName;
  public readonly port: number;

  public constructor(service: ServiceName, port: number, envVar: string, holder: string | undefined) {
    super(
      `port ${port} needed by ${service} is in use by another process${holder ? ` (${holder})` : ''}, not a streambridge ${service}; stop it or set ${envVar}`,
    );
    this.name = 'PortInUseError';
    this.service = service;
    this.port = port;
  }
}

/** A server process exited or never became ready within its bounded wait. */
export class ServiceStartError extends ServicesError {
  public readonly service: ServiceName;

  public constructor(service: ServiceName, reason: string, logFile: string) {
    super(`${service} did not start: ${reason} (log: ${logFile})`);
    this.name = 'ServiceStartError';
    this.service = service;
  }
}

/** A running server was started with other ports than the ones asked for. */
export class PortMismatchError extends ServicesError {
  public constructor(service: ServiceName, running: number[], wanted: number[]) {
    super(
      `${service} is already running on port ${running.join(',')} but port ${wanted.join(',')} was asked for; run \`streambridge services down ${service}\` first`,
    );
    this.name = 'PortMismatchError';
  }
}
