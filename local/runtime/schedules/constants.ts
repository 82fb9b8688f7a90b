/** Constants of the local schedule runner: the expression grammar's ranges and names, and its knobs. */

/** Milliseconds per unit of a `rate(...)` expression (EventBridge: minutes, hours, days). */
export const RATE_UNIT_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
} as const;

/** The six fields of an EventBridge cron expression, their ranges and names. */
export const CRON_FIELDS = {
  minutes: { min: 0, max: 59 },
  hours: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  month: { min: 1, max: 12 },
  dayOfWeek: { min: 1, max: 7 },
  year: { min: 1970, max: 2199 },
} as const;

export const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;

/** Day-of-week names in AWS's numbering: SUN = 1 … SAT = 7. */
export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export const SCHEDULE_SETTINGS = {
  /**
   * Environment variable with a factor (0 < f ≤ 1) that shortens every `rate(...)` interval locally, so a
   * test or demo sees `rate(1 minute)` fire every 600 ms with 0.01. Cron schedules keep wall-clock times.
   */
  rateScaleEnv: 'STREAMBRIDGE_SCHEDULE_RATE_SCALE',
  /** No scaled rate fires more often than this. */
  minScaledIntervalMs: 50,
} as const;
