/**
 * The local deployment as a replay target: its functions run in the local runtime's function runner (the
 * same bundled handler and environment the pollers invoke), one execution environment each, started only
 * for the functions a replay invokes.
 */
import { FunctionPool } from '../runtime/environment/FunctionPool';
import { inheritedEnv } from '../runtime/environment/lambdaEnvironment';
import type { LocalDeployment } from '../runtime/types';
import { DEAD_LETTER_QUEUE_ENV } from './constants';
import type { InvokeResult, ReplayFunction, ReplayTarget } from './types';

/** Account and region of local function ARNs (the local deployer's and moto's). */
const LOCAL_ARN = { region: 'us-east-1', accountId: '123456789012' } as const;

/**
 * @example
 * ```ts
 * const target = new LocalReplayTarget(state.deployment, { ...process.env, ...awsClientEnvironment(endpoints) });
 * await target.invoke('my-app-kafka-to-redis', event);
 * await target.close();
 * ```
 */
export class LocalReplayTarget implements ReplayTarget {
  readonly #deployment: LocalDeployment;
  readonly #env: NodeJS.ProcessEnv;
  readonly #pools = new Map<string, FunctionPool>();

  constructor(deployment: LocalDeployment, env: NodeJS.ProcessEnv) {
    this.#deployment = deployment;
    this.#env = env;
  }

  async functions(): Promise<readonly ReplayFunction[]> {
    const region = this.#env.AWS_REGION || LOCAL_ARN.region;
    return this.#deployment.functions.map((fn) => ({
      name: fn.functionName,
      arn: `arn:aws:lambda:${region}:${LOCAL_ARN.accountId}:function:${fn.functionName}`,
      ...(fn.environment[DEAD_LETTER_QUEUE_ENV]
        ? { deadLetterQueueUrl: fn.environment[DEAD_LETTER_QUEUE_ENV] }
        : {}),
    }));
  }

  async invoke(functionName: string, event: unknown): Promise<InvokeResult> {
    const result = await this.#pool(functionName).invoke(event);
    return result.ok
      ? { ok: true, payload: result.payload }
      : { ok: false, error: `${result.kind}: ${result.error.errorType}: ${result.error.errorMessage}` };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pools.values()].map((pool) => pool.stop()));
  }

  #pool(functionName: string): FunctionPool {
    let pool = this.#pools.get(functionName);
    if (!pool) {
      const fn = this.#deployment.functions.find((candidate) => candidate.functionName === functionName);
      if (!fn) throw new Error(`no function ${functionName} in the local deployment`);
      pool = new FunctionPool(fn, {
        baseEnv: inheritedEnv(this.#env),
        region: this.#env.AWS_REGION || LOCAL_ARN.region,
        accountId: LOCAL_ARN.accountId,
        maxConcurrency: 1,
      });
      this.#pools.set(functionName, pool);
    }
    return pool;
  }
}
