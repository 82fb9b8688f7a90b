import { Logger } from '../../../lambdas/core/Logger';
import type { LocalFunction } from '../types';
import { ENVIRONMENT_DEFAULTS } from './constants';
import { ExecutionEnvironment } from './ExecutionEnvironment';
import { EnvironmentStoppedError } from './errors';
import type { EnvironmentOptions, FunctionError, InvocationResult } from './types';

export interface FunctionPoolOptions extends EnvironmentOptions {
  /** Most environments (processes) run at once; further invocations wait. Default 10. */
  readonly maxConcurrency?: number;
}

/**
 * The execution environments of one function. An invocation takes the most recently used idle
 * environment (so sequential invocations stay on one warm process, as Lambda tends to reuse the warmest
 * instance) and starts another one only when every environment is busy, up to `maxConcurrency`.
 *
 * @example
 * ```ts
 * const pool = new FunctionPool(fn, { baseEnv: serviceEnv() });
 * const [a, b] = await Promise.all([pool.invoke(eventA), pool.invoke(eventB)]); // two processes
 * await pool.stop();
 * ```
 */
export class FunctionPool {
  readonly #fn: LocalFunction;
  readonly #options: FunctionPoolOptions;
  readonly #maxConcurrency: number;
  readonly #environments: ExecutionEnvironment[] = [];
  readonly #idle: ExecutionEnvironment[] = [];
  readonly #waiting: ((environment: ExecutionEnvironment) => void)[] = [];
  #stopped = false;

  constructor(fn: LocalFunction, options: FunctionPoolOptions = {}) {
    this.#fn = fn;
    this.#options = { ...options, logger: options.logger ?? new Logger('streambridge-local') };
    this.#maxConcurrency = options.maxConcurrency ?? ENVIRONMENT_DEFAULTS.maxConcurrency;
    if (!Number.isInteger(this.#maxConcurrency) || this.#maxConcurrency < 1) {
      throw new RangeError(`maxConcurrency must be a positive integer (got ${options.maxConcurrency})`);
    }
  }

  get functionName(): string {
    return this.#fn.functionName;
  }

  get function(): LocalFunction {
    return this.#fn;
  }

  /** Environments created so far (each is one warm process or a cold slot). */
  get environments(): readonly ExecutionEnvironment[] {
    return this.#environments;
  }

  /** Invokes the function; throws only when the pool is stopped. */
  async invoke(event: unknown, requestId?: string): Promise<InvocationResult> {
    const environment = await this.#acquire();
    try {
      return await environment.invoke(event, requestId);
    } finally {
      this.#release(environment);
    }
  }

  /**
   * Starts the pool's environments up to its concurrency and runs their init phase, one after another (a
   * burst of processes loading their bundles at once would make each one's init slow), before a measured
   * run: its first batches then meet warm environments. Returns the init errors.
   */
  async prewarm(): Promise<FunctionError[]> {
    const environments: ExecutionEnvironment[] = [];
    while (environments.length < this.#maxConcurrency && this.#environments.length < this.#maxConcurrency)
      environments.push(await this.#acquire());
    const errors: FunctionError[] = [];
    try {
      for (const environment of environments) {
        const error = await environment.warm();
        if (error) errors.push(error);
      }
    } finally {
      for (const environment of environments) this.#release(environment);
    }
    return errors;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    // Waiters get a stopped environment, whose invoke throws EnvironmentStoppedError.
    for (const waiter of this.#waiting.splice(0)) waiter(this.#environments[0] as ExecutionEnvironment);
    await Promise.all(this.#environments.map((environment) => environment.stop()));
  }

  async #acquire(): Promise<ExecutionEnvironment> {
    if (this.#stopped) throw new EnvironmentStoppedError(this.#fn.functionName);
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#environments.length < this.#maxConcurrency) {
      const environment = new ExecutionEnvironment(this.#fn, this.#options);
      this.#environments.push(environment);
      return environment;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(environment: ExecutionEnvironment): void {
    const next = this.#waiting.shift();
    if (next) next(environment);
    else this.#idle.push(environment);
  }
}
