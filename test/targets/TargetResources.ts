/**
 * The AWS resources one test run creates on its target, under guards that matter on a real account: every
 * name carries the run's id, only resources registered here are ever deleted (nothing is listed and matched),
 * a run may hold only so many, and the clean-up is bounded in time. On the `aws` target it exists only when
 * the target's own guard passed (STREAMBRIDGE_AWS_ALLOW_REAL=1 and a region). See docs/localstack.md.
 */
import { randomBytes } from 'node:crypto';
import { resolveAwsTarget } from '../../local/services';
import type { AwsTargetName } from '../../local/services/types';

/** Limits of one run's resources; small on purpose: a real account is billed per resource and per hour. */
export const TARGET_RESOURCE_LIMITS = {
  maxResources: 200,
  deleteTimeoutMs: 30_000,
  cleanupTimeoutMs: 120_000,
  /** The shortest limit among the names used (an S3 bucket name: 63 characters). */
  maxNameLength: 63,
} as const;

/** Names every AWS service the suite uses accepts (S3 buckets are the strictest: lower case, digits, hyphens). */
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;

export class TargetResourceError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'TargetResourceError';
  }
}

export interface TargetResourcesOptions {
  /** Environment the target and its guard are read from (`STREAMBRIDGE_AWS_*`, `AWS_REGION`). */
  readonly env: NodeJS.ProcessEnv;
  /** Shared by every worker of a run; default a new random id. */
  readonly runId?: string;
  readonly maxResources?: number;
  readonly deleteTimeoutMs?: number;
  readonly cleanupTimeoutMs?: number;
}

interface Tracked {
  readonly kind: string;
  readonly name: string;
  readonly remove: () => Promise<void>;
}

export interface CleanupReport {
  readonly deleted: readonly string[];
  readonly failed: readonly { name: string; error: string }[];
  /** Not attempted: the clean-up's time ran out first. */
  readonly notAttempted: readonly string[];
}

function withTimeout(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TargetResourceError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * @example
 * ```ts
 * const resources = new TargetResources({ env: process.env, runId: 'k3x9p2' });
 * const name = resources.name('orders'); // 'sbt-k3x9p2-orders-1f0c2a'
 * await dynamodb.send(new CreateTableCommand({ TableName: name, … }));
 * resources.track('table', name, () => dynamodb.send(new DeleteTableCommand({ TableName: name })).then(() => undefined));
 * const report = await resources.cleanup(); // deletes only what was tracked, newest first, bounded
 * ```
 */
export class TargetResources {
  public readonly target: AwsTargetName;
  public readonly runId: string;
  /** Every name this run gives starts with it. */
  public readonly prefix: string;
  readonly #tracked: Tracked[] = [];
  readonly #limits: { maxResources: number; deleteTimeoutMs: number; cleanupTimeoutMs: number };

  public constructor(options: TargetResourcesOptions) {
    // The aws target's guard (explicit allow, a region, no endpoint) runs here as well as in the launcher.
    this.target = resolveAwsTarget({}, options.env).name;
    this.runId = options.runId ?? randomBytes(3).toString('hex');
    if (!/^[a-z0-9]{4,12}$/.test(this.runId)) {
      throw new TargetResourceError(`run id "${this.runId}" must be 4 to 12 lower-case letters or digits`);
    }
    this.prefix = `sbt-${this.runId}-`;
    this.#limits = {
      maxResources: options.maxResources ?? TARGET_RESOURCE_LIMITS.maxResources,
      deleteTimeoutMs: options.deleteTimeoutMs ?? TARGET_RESOURCE_LIMITS.deleteTimeoutMs,
      cleanupTimeoutMs: options.cleanupTimeoutMs ?? TARGET_RESOURCE_LIMITS.cleanupTimeoutMs,
    };
  }

  /** A new name for a resource of this run: `sbt-<run id>-<base>-<6 hex>`. */
  public name(base: string): string {
    const name = `${this.prefix}${base}-${randomBytes(3).toString('hex')}`;
    if (!NAME_PATTERN.test(name) || name.length > TARGET_RESOURCE_LIMITS.maxNameLength) {
      throw new TargetResourceError(
        `"${name}" is not a name every AWS service takes (lower-case letters, digits and hyphens, at most ${TARGET_RESOURCE_LIMITS.maxNameLength} characters)`,
      );
    }
    return name;
  }

  /** Registers a resource this run created, with how to delete it. A name not of this run is refused. */
  public track(kind: string, name: string, remove: () => Promise<void>): void {
    if (!name.startsWith(this.prefix)) {
      throw new TargetResourceError(
        `${kind} "${name}" was not named by this run (${this.prefix}…): it is never tracked, so never deleted`,
      );
    }
    if (this.#tracked.some((entry) => entry.name === name)) {
      throw new TargetResourceError(`${kind} "${name}" is already tracked`);
    }
    if (this.#tracked.length >= this.#limits.maxResources) {
      throw new TargetResourceError(
        `this run already holds ${this.#limits.maxResources} resources; refusing to track ${kind} "${name}"`,
      );
    }
    this.#tracked.push({ kind, name, remove });
  }

  /** The names still tracked, oldest first. */
  public get names(): readonly string[] {
    return this.#tracked.map((entry) => entry.name);
  }

  /** Deletes one tracked resource now (a test's own clean-up); a name not tracked is refused. */
  public async release(name: string): Promise<void> {
    const index = this.#tracked.findIndex((entry) => entry.name === name);
    if (index < 0) throw new TargetResourceError(`"${name}" is not tracked by this run: not deleting it`);
    const [entry] = this.#tracked.splice(index, 1);
    await withTimeout(entry.remove(), this.#limits.deleteTimeoutMs, `deleting ${entry.kind} "${entry.name}"`);
  }

  /**
   * Deletes every resource still tracked, newest first (a stream before the table it reads), each within
   * `deleteTimeoutMs` and all within `cleanupTimeoutMs`; what failed or was not reached stays reported.
   */
  public async cleanup(): Promise<CleanupReport> {
    const deadline = Date.now() + this.#limits.cleanupTimeoutMs;
    const deleted: string[] = [];
    const failed: { name: string; error: string }[] = [];
    const notAttempted: string[] = [];
    for (const entry of this.#tracked.splice(0).reverse()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        notAttempted.push(entry.name);
        continue;
      }
      try {
        const ms = Math.min(this.#limits.deleteTimeoutMs, left);
        await withTimeout(entry.remove(), ms, `deleting ${entry.kind} "${entry.name}"`);
        deleted.push(entry.name);
      } catch (error) {
        failed.push({ name: entry.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { deleted, failed, notAttempted };
  }
}
