/**
 * The SCRAM-SHA-512 credentials of a handler, read from Secrets Manager once per execution environment.
 * `invalidate()` (called after an authentication failure) makes the next connection read the secret
 * again, so a rotated password is picked up without a cold start.
 *
 * @example
 * ```ts
 * const secret = new ScramSecret({ secretArn: process.env.KAFKA_SCRAM_SECRET_ARN! });
 * const { username, password } = await secret.credentials();
 * ```
 */
import { type Lazy, lazyInit } from '../lazyInit';
import { type ReadSecretString, readSecretString } from '../secrets';
import { ScramSecretError } from './errors';
import type { ScramCredentials } from './types';

export class ScramSecret {
  readonly #secretArn: string;
  readonly #read: ReadSecretString;
  readonly #credentials: Lazy<ScramCredentials> = lazyInit(() => this.#load());

  constructor(options: { secretArn: string; region?: string; read?: ReadSecretString }) {
    this.#secretArn = options.secretArn;
    this.#read = options.read ?? ((secretArn) => readSecretString(secretArn, options.region));
  }

  credentials(): Promise<ScramCredentials> {
    return this.#credentials.get();
  }

  invalidate(): void {
    this.#credentials.reset();
  }

  async #load(): Promise<ScramCredentials> {
    const text = await this.#read(this.#secretArn);
    if (!text) throw new ScramSecretError(this.#secretArn, 'has no SecretString');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ScramSecretError(this.#secretArn, 'is not JSON');
    }
    const { username, password } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) {
      throw new ScramSecretError(this.#secretArn, 'must hold non-empty "username" and "password"');
    }
    return { username, password };
  }
}
