/**
 * One scheduled rule run locally as EventBridge runs it: it fires at each time its expression gives and
 * invokes every target asynchronously with the Scheduled Event (or the target's input), without waiting
 * for an earlier invocation to end (docs/local-runtime.md, "Scheduled rules").
 */
import type { Logger } from '../../../lambdas/core/Logger';
import type { FunctionInvoker } from '../pollers/types';
import type { LocalScheduleRule } from '../types';
import { SCHEDULE_SETTINGS } from './constants';
import { nextFireTime, parseScheduleExpression } from './scheduleExpression';
import { scheduledEvent, targetInput } from './targetInput';
import type { ScheduleExpression } from './types';

/** setTimeout's longest delay; a later firing is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleRunnerOptions {
  readonly rule: LocalScheduleRule;
  /** The functions of the targets, by logical id. */
  readonly functions: ReadonlyMap<string, FunctionInvoker>;
  readonly logger: Logger;
  readonly region: string;
  readonly accountId: string;
  readonly now: () => number;
  /** Factor on every `rate(...)` interval (0 < f ≤ 1); cron times are wall-clock times. Default 1. */
  readonly rateScale?: number;
}

/**
 * Fires one rule until stopped.
 *
 * @example
 * ```ts
 * const runner = new ScheduleRunner({ rule, functions, logger, region, accountId, now: Date.now, rateScale: 0.01 });
 * runner.start();
 * await runner.stop();
 * ```
 */
export class ScheduleRunner {
  readonly rule: LocalScheduleRule;
  readonly #options: ScheduleRunnerOptions;
  readonly #expression: ScheduleExpression;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #firings = 0;
  #nextAt: number | undefined;

  constructor(options: ScheduleRunnerOptions) {
    this.rule = options.rule;
    this.#options = options;
    this.#expression = parseScheduleExpression(options.rule.scheduleExpression);
  }

  /** Times the rule has fired. */
  get firings(): number {
    return this.#firings;
  }

  /** When the rule fires next (epoch ms); undefined once a cron schedule is over or the runner stopped. */
  get nextAt(): number | undefined {
    return this.#nextAt;
  }

  start(): void {
    this.#schedule(this.#options.now());
  }

  /** Stops firing; invocations already started run to their end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#nextAt = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  #schedule(afterMs: number): void {
    if (this.#stopped) return;
    const scale = this.#options.rateScale ?? 1;
    const at = nextFireTime(this.#expression, afterMs, scale, SCHEDULE_SETTINGS.minScaledIntervalMs);
    this.#nextAt = at;
    if (at === undefined) {
      this.#options.logger.info('schedule over; the rule fires no more', { rule: this.rule.ruleName });
      return;
    }
    this.#wait(at);
  }

  #wait(at: number): void {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.#options.now()));
    this.#timer = setTimeout(() => {
      if (this.#stopped) return;
      if (this.#options.now() < at) {
        this.#wait(at);
        return;
      }
      this.#fire(at);
      this.#schedule(at);
    }, delay);
  }

  #fire(at: number): void {
    this.#firings++;
    const { rule, region, accountId } = this.#options;
    const event = scheduledEvent({ rule, time: at, region, accountId });
    for (const target of rule.targets) {
      const fn = this.#options.functions.get(target.functionLogicalId);
      if (!fn) continue;
      const invocation = this.#invoke(fn, targetInput(rule, target, event), target.id);
      this.#inFlight.add(invocation);
      void invocation.finally(() => this.#inFlight.delete(invocation));
    }
  }

  async #invoke(fn: FunctionInvoker, payload: unknown, targetId: string): Promise<void> {
    const { logger } = this.#options;
    const fields = { rule: this.rule.ruleName, target: targetId, function: fn.functionName };
    try {
      const result = await fn.invoke(payload);
      if (result.ok) logger.debug('scheduled invocation done', { ...fields, requestId: result.requestId });
      else logger.warn('scheduled invocation failed', { ...fields, kind: result.kind, error: result.error });
    } catch (error) {
      logger.warn('scheduled invocation not run', { ...fields, error });
    }
  }
}
