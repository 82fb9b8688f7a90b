/** Errors of the Kafka producer factory. */

/** The SCRAM secret is missing or is not `{ "username", "password" }`. */
export class ScramSecretError extends Error {
  constructor(secretArn: string, problem: string) {
    super(`SCRAM secret ${secretArn}: ${problem}`);
    this.name = 'ScramSecretError';
  }
}

/** The client certificate secret is missing or is not `{ "certificate", "privateKey" }`. */
export class ClientCertificateSecretError extends Error {
  constructor(secretArn: string, problem: string) {
    super(`client certificate secret ${secretArn}: ${problem}`);
    this.name = 'ClientCertificateSecretError';
  }
}

/** A send did not finish before the invocation's deadline; its records are reported as failed. */
export class SendDeadlineError extends Error {
  constructor(ms: number) {
    super(`Kafka send did not finish within ${ms} ms (the invocation deadline)`);
    this.name = 'SendDeadlineError';
  }
}
