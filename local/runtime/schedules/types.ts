/** Types of the local schedule runner: parsed schedule expressions. */

/** Whether a calendar day matches the day-of-month or day-of-week field (UTC). */
export type DayMatcher = (year: number, month: number, day: number) => boolean;

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** The day-of-month field, or the day-of-week field: the other one is `?`. */
  readonly days: DayMatcher;
  /** 1-12. */
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
}

/** A parsed `rate(...)` or `cron(...)` expression of an EventBridge scheduled rule. */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly text: string; readonly intervalMs: number }
  | { readonly kind: 'cron'; readonly text: string; readonly cron: CronSchedule };
