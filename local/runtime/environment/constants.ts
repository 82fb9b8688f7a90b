/** Defaults of the local execution environments. */
export const ENVIRONMENT_DEFAULTS = {
  /** Lambda limits the init phase to 10 s (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). */
  initTimeoutMs: 10_000,
  /** Concurrent environments per function before invocations queue (Lambda's burst would be far higher). */
  maxConcurrency: 10,
  /** The runtime the CDK app targets; reported in AWS_EXECUTION_ENV. */
  runtime: 'nodejs22.x',
  /** Account id of function ARNs: the one the local deployer and moto use. */
  accountId: '123456789012',
  region: 'us-east-1',
  /** Wait for a process to exit after SIGTERM before SIGKILL. */
  stopTimeoutMs: 2_000,
} as const;

/** Variables of the parent process a function inherits by default: endpoints, region and credentials. */
export const INHERITED_ENV_PATTERN =
  /^(AWS_ENDPOINT_URL(_[A-Z0-9_]+)?|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;
