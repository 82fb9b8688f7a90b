/**
 * The `ScheduleExpression` of an `AWS::Events::Rule`: `rate(value unit)` or `cron(fields)`, parsed with
 * EventBridge's rules, and the times a rule fires (docs/local-runtime.md, "Scheduled rules").
 */
import { RATE_UNIT_MS } from './constants';
import { nextCronTime, parseCron } from './cronExpression';
import { ScheduleExpressionError } from './errors';
import type { ScheduleExpression } from './types';

/**
 * Parses a rule's schedule expression as EventBridge does: `rate(1 minute)`, `rate(5 minutes)` (a value
 * of 1 takes the singular unit, any other the plural), or a six-field `cron(...)`.
 *
 * @example
 * ```ts
 * parseScheduleExpression('rate(5 minutes)'); // { kind: 'rate', intervalMs: 300000, text: 'rate(5 minutes)' }
 * ```
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const match = /^(rate|cron)\((.*)\)$/.exec(text.trim());
  if (!match) throw new ScheduleExpressionError(text, 'must be rate(value unit) or cron(fields)');
  const [, kind, body] = match;
  if (kind === 'cron') return { kind: 'cron', text, cron: parseCron(body, text) };
  const rate = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!rate)
    throw new ScheduleExpressionError(text, 'a rate is a positive integer and minute(s), hour(s) or day(s)');
  const value = Number(rate[1]);
  const unit = rate[2];
  if (value < 1) throw new ScheduleExpressionError(text, 'the rate value must be positive');
  const plural = unit.endsWith('s');
  if (plural !== (value !== 1)) {
    throw new ScheduleExpressionError(
      text,
      value === 1 ? `1 takes the singular unit` : `${value} takes the plural unit`,
    );
  }
  const singular = (plural ? unit.slice(0, -1) : unit) as keyof typeof RATE_UNIT_MS;
  return { kind: 'rate', text, intervalMs: value * RATE_UNIT_MS[singular] };
}

/**
 * When a rule fires next after `afterMs`: a rate every interval (scaled by `rateScale` locally) from
 * `afterMs`, a cron schedule at its next matching minute. Undefined when a cron schedule is over.
 *
 * @example
 * ```ts
 * nextFireTime(parseScheduleExpression('rate(1 minute)'), 0, 0.01); // 600
 * ```
 */
export function nextFireTime(
  expression: ScheduleExpression,
  afterMs: number,
  rateScale = 1,
  minIntervalMs = 0,
): number | undefined {
  if (expression.kind === 'rate') return afterMs + Math.max(minIntervalMs, expression.intervalMs * rateScale);
  return nextCronTime(expression.cron, afterMs);
}
