/** Types of the local execution environments (one Node process per warm Lambda instance). */
import type { Logger } from '../../../lambdas/core/Logger';

/** An error as the Lambda Node runtime reports it. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/**
 * Why an invocation failed: the handler threw or rejected (`handled`), it ran past the function timeout
 * (`timeout`), the process died mid-invocation (`crash`), or the module could not load (`init`).
 */
export type InvocationFailureKind = 'handled' | 'timeout' | 'crash' | 'init';

interface InvocationBase {
  readonly requestId: string;
  readonly durationMs: number;
  /** True when this invocation started a new process (a cold start). */
  readonly coldStart: boolean;
}

export interface InvocationSuccess extends InvocationBase {
  readonly ok: true;
  /** The handler's result after a JSON round trip (`null` for undefined). */
  readonly payload: unknown;
}

export interface InvocationFailure extends InvocationBase {
  readonly ok: false;
  readonly kind: InvocationFailureKind;
  readonly error: FunctionError;
}

export type InvocationResult = InvocationSuccess | InvocationFailure;

/** Where a function's stdout/stderr lines go. */
export type FunctionOutput = (
  line: string,
  source: { functionName: string; stream: 'stdout' | 'stderr' },
) => void;

export interface EnvironmentOptions {
  /**
   * Variables every function gets under its own (endpoints and credentials of the local servers, e.g.
   * `AWS_ENDPOINT_URL_SQS`). Default: the `AWS_*` endpoint, region and credential variables of this process.
   */
  readonly baseEnv?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly accountId?: string;
  readonly logger?: Logger;
  readonly output?: FunctionOutput;
  /** Limit of the init phase (module load), default 10 s as in Lambda. */
  readonly initTimeoutMs?: number;
}

/** What the parent sends to the bootstrap per invocation. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: string;
  readonly event: unknown;
  readonly context: {
    readonly awsRequestId: string;
    readonly functionName: string;
    readonly functionVersion: string;
    readonly invokedFunctionArn: string;
    readonly memoryLimitInMB: string;
    readonly logGroupName: string;
    readonly logStreamName: string;
    readonly deadlineMs: number;
  };
}

/** What the bootstrap sends back. */
export type BootstrapMessage =
  | { readonly type: 'ready'; readonly initDurationMs: number }
  | { readonly type: 'initError'; readonly error: FunctionError }
  | { readonly type: 'result'; readonly id: string; readonly payload: unknown }
  | { readonly type: 'error'; readonly id: string; readonly error: FunctionError };
