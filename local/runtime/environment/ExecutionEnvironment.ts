import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Logger } from '../../../lambdas/core/Logger';
import type { LocalFunction } from '../types';
import { ENVIRONMENT_DEFAULTS } from './constants';
import { EnvironmentStoppedError, FunctionConfigError } from './errors';
import {
  type FunctionIdentity,
  functionIdentity,
  inheritedEnv,
  lambdaEnvironment,
  logStreamName,
} from './lambdaEnvironment';
import type {
  BootstrapMessage,
  EnvironmentOptions,
  FunctionError,
  FunctionOutput,
  InvocationFailure,
  InvocationResult,
  InvokeMessage,
} from './types';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.cjs', import.meta.url));

interface Running {
  readonly id: string;
  readonly started: number;
  readonly coldStart: boolean;
  readonly deadline: number;
  settle(result: InvocationResult): void;
  timedOut: boolean;
}

function defaultOutput(line: string, source: { stream: 'stdout' | 'stderr' }): void {
  (source.stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`);
}

/**
 * One local Lambda execution environment: a Node process running the function's bundled asset with the
 * template's environment, one invocation at a time, module state kept while warm; a timeout or a crash
 * ends the process and the next invocation cold-starts (docs/local-runtime.md).
 *
 * @example
 * ```ts
 * const environment = new ExecutionEnvironment(deployment.functions[0]);
 * const result = await environment.invoke({ Records: [] });
 * await environment.stop();
 * ```
 */
export class ExecutionEnvironment {
  readonly #fn: LocalFunction;
  readonly #identity: FunctionIdentity;
  readonly #baseEnv: Readonly<Record<string, string>>;
  readonly #logger: Logger;
  readonly #output: FunctionOutput;
  readonly #initTimeoutMs: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #logStream = '';
  #running: Running | undefined;
  #stopped = false;
  #lastExit: string | undefined;
  #coldStarts = 0;
  #invocations = 0;

  constructor(fn: LocalFunction, options: EnvironmentOptions = {}) {
    if (!existsSync(fn.assetDir)) {
      throw new FunctionConfigError(
        fn.functionName,
        `asset folder ${fn.assetDir} does not exist (synthesize first)`,
      );
    }
    if (!Number.isFinite(fn.timeoutSeconds) || fn.timeoutSeconds <= 0) {
      throw new FunctionConfigError(
        fn.functionName,
        `timeout must be a positive number of seconds (got ${fn.timeoutSeconds})`,
      );
    }
    this.#fn = fn;
    this.#identity = functionIdentity(
      fn,
      options.region ?? ENVIRONMENT_DEFAULTS.region,
      options.accountId ?? ENVIRONMENT_DEFAULTS.accountId,
    );
    this.#baseEnv = options.baseEnv ?? inheritedEnv();
    this.#logger = options.logger ?? new Logger('streambridge-local');
    this.#output = options.output ?? defaultOutput;
    this.#initTimeoutMs = options.initTimeoutMs ?? ENVIRONMENT_DEFAULTS.initTimeoutMs;
  }

  get functionName(): string {
    return this.#fn.functionName;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Process id of the current process, undefined while cold. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get coldStarts(): number {
    return this.#coldStarts;
  }

  get invocations(): number {
    return this.#invocations;
  }

  /**
   * Runs the init phase now (a process and the handler's module scope), so the first invocation finds the
   * environment warm, as a steady Lambda does; returns the init error, if any. A no-op once started. Only
   * for an environment no invocation uses (FunctionPool.prewarm acquires it first).
   */
  async warm(): Promise<FunctionError | undefined> {
    if (this.#stopped) throw new EnvironmentStoppedError(this.#fn.functionName);
    if (this.#child || this.#running) return undefined;
    return this.#start();
  }

  /** Invokes the handler with `event`; never throws for function errors (they are in the result). */
  async invoke(event: unknown, requestId: string = randomUUID()): Promise<InvocationResult> {
    if (this.#stopped) throw new EnvironmentStoppedError(this.#fn.functionName);
    if (this.#running) throw new Error(`execution environment of ${this.#fn.functionName} is busy`);
    this.#invocations++;
    const started = performance.now();
    let coldStart = false;
    if (!this.#child) {
      coldStart = true;
      const initError = await this.#start();
      if (this.#stopped) throw new EnvironmentStoppedError(this.#fn.functionName);
      if (initError) {
        return {
          ok: false,
          kind: 'init',
          error: initError,
          requestId,
          coldStart,
          durationMs: performance.now() - started,
        };
      }
    }
    const child = this.#child as ChildProcess;
    const timeoutMs = this.#fn.timeoutSeconds * 1000;
    return new Promise<InvocationResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const running: Running = {
        id: requestId,
        started,
        coldStart,
        deadline: Date.now() + timeoutMs,
        timedOut: false,
        settle: (result) => {
          clearTimeout(timer);
          if (this.#running === running) this.#running = undefined;
          if (this.#stopped && !result.ok && result.kind === 'crash')
            reject(new EnvironmentStoppedError(this.#fn.functionName));
          else resolve(result);
        },
      };
      this.#running = running;
      timer = setTimeout(() => {
        running.timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const message: InvokeMessage = {
        type: 'invoke',
        id: requestId,
        event,
        context: {
          awsRequestId: requestId,
          functionName: this.#fn.functionName,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.#identity.functionArn,
          memoryLimitInMB: String(this.#fn.memoryMb),
          logGroupName: this.#identity.logGroupName,
          logStreamName: this.#logStream,
          deadlineMs: running.deadline,
        },
      };
      const undelivered = (reason: string) => {
        // The process died before the event reached it (its exit was handled while idle): a crash.
        if (this.#running !== running) return;
        running.settle({
          ok: false,
          kind: 'crash',
          error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` },
          requestId,
          coldStart,
          durationMs: performance.now() - started,
        });
      };
      if (!child.connected) {
        undelivered('Runtime exited before the invocation');
        return;
      }
      child.send(message, (error) => {
        if (error) undelivered(`invocation not delivered: ${error.message}`);
      });
    });
  }

  /** Stops the process (SIGTERM, then SIGKILL after a bounded wait); a running invocation is abandoned. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), ENVIRONMENT_DEFAULTS.stopTimeoutMs);
    await this.#exited;
    clearTimeout(killTimer);
  }

  /** Starts a process and waits for its init phase; returns the init error, if any. */
  async #start(): Promise<FunctionError | undefined> {
    this.#coldStarts++;
    this.#logStream = logStreamName();
    const env = lambdaEnvironment(this.#fn, {
      baseEnv: this.#baseEnv,
      region: this.#identity.region,
      logStream: this.#logStream,
    });
    const child = spawn(process.execPath, [`--max-old-space-size=${this.#fn.memoryMb}`, BOOTSTRAP], {
      cwd: this.#fn.assetDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    this.#pipeOutput(child);
    const initStarted = performance.now();
    return new Promise<FunctionError | undefined>((resolveInit) => {
      let initializing = true;
      const finishInit = (error: FunctionError | undefined) => {
        if (!initializing) return;
        initializing = false;
        clearTimeout(initTimer);
        resolveInit(error);
      };
      const initTimer = setTimeout(() => {
        child.kill('SIGKILL');
        finishInit({
          errorType: 'Runtime.InitTimeout',
          errorMessage: `init phase exceeded ${this.#initTimeoutMs} ms`,
        });
      }, this.#initTimeoutMs);
      this.#exited = new Promise<void>((resolveExit) => {
        child.once('exit', (code, signal) => {
          // A process already given up on (failed init) must not touch the next one's invocation.
          if (this.#child === child) {
            this.#child = undefined;
            this.#onExit(code, signal);
          }
          finishInit({
            errorType: 'Runtime.ExitError',
            errorMessage: `Runtime exited during init with ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
          });
          resolveExit();
        });
      });
      child.on('message', (message: BootstrapMessage) => {
        if (message.type === 'ready') {
          this.#logger.info('cold start', {
            functionName: this.#fn.functionName,
            pid: child.pid,
            initDurationMs: message.initDurationMs,
            startDurationMs: Math.round(performance.now() - initStarted),
            ...(this.#lastExit ? { after: this.#lastExit } : {}),
          });
          this.#lastExit = undefined;
          finishInit(undefined);
        } else if (message.type === 'initError') {
          this.#logger.error('init failed', { functionName: this.#fn.functionName, error: message.error });
          // The process is on its way out; the next invocation starts a new one.
          if (this.#child === child) this.#child = undefined;
          this.#lastExit = 'init error';
          finishInit(message.error);
        } else {
          this.#onResult(message);
        }
      });
    });
  }

  #onResult(message: Extract<BootstrapMessage, { type: 'result' | 'error' }>): void {
    const running = this.#running;
    if (!running || running.id !== message.id) return;
    const base = {
      requestId: running.id,
      coldStart: running.coldStart,
      durationMs: performance.now() - running.started,
    };
    running.settle(
      message.type === 'result'
        ? { ok: true, payload: message.payload, ...base }
        : { ok: false, kind: 'handled', error: message.error, ...base },
    );
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const running = this.#running;
    const status = signal ? `signal: ${signal}` : `exit status ${code}`;
    if (this.#stopped) {
      // settle() turns this into an EnvironmentStoppedError for the caller: a shutdown is no function error.
      running?.settle({
        ok: false,
        kind: 'crash',
        error: { errorType: 'Runtime.ExitError', errorMessage: `stopped (${status})` },
        requestId: running.id,
        coldStart: running.coldStart,
        durationMs: performance.now() - running.started,
      });
      return;
    }
    if (!running) {
      this.#lastExit = `exit while idle (${status})`;
      this.#logger.warn('execution environment exited while idle', {
        functionName: this.#fn.functionName,
        code,
        signal,
      });
      return;
    }
    const base = {
      requestId: running.id,
      coldStart: running.coldStart,
      durationMs: performance.now() - running.started,
    };
    let failure: InvocationFailure;
    if (running.timedOut) {
      this.#lastExit = 'timeout';
      const seconds = this.#fn.timeoutSeconds.toFixed(2);
      failure = {
        ok: false,
        kind: 'timeout',
        error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${seconds} seconds` },
        ...base,
      };
      this.#logger.warn('invocation timed out; process killed', {
        functionName: this.#fn.functionName,
        requestId: running.id,
        timeoutSeconds: this.#fn.timeoutSeconds,
      });
    } else {
      this.#lastExit = `crash (${status})`;
      failure = {
        ok: false,
        kind: 'crash',
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${running.id} Error: Runtime exited with error: ${status}`,
        },
        ...base,
      };
      this.#logger.warn('execution environment crashed during an invocation', {
        functionName: this.#fn.functionName,
        requestId: running.id,
        code,
        signal,
      });
    }
    running.settle(failure);
  }

  #pipeOutput(child: ChildProcess): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = child[stream];
      if (!readable) continue;
      createInterface({ input: readable, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        this.#output(line, { functionName: this.#fn.functionName, stream });
      });
    }
  }
}
