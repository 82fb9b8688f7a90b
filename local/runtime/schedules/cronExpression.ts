/**
 * EventBridge cron expressions (six fields: minutes hours day-of-month month day-of-week year, UTC) parsed
 * into a schedule, and the next time a schedule fires. The grammar is AWS's ("Cron expressions
 * reference" of the EventBridge user guide): `, - * /` everywhere but day-of-week, `? L W` in
 * day-of-month, `? L #` in day-of-week, names JAN-DEC and SUN-SAT (SUN = 1), exactly one of the two day
 * fields `?`. A range whose start is past its end wraps (`FRI-MON`, `22-2`), as in Quartz, where the
 * grammar comes from.
 */
import { CRON_FIELDS, DAY_NAMES, MONTH_NAMES } from './constants';
import { ScheduleExpressionError } from './errors';
import type { CronSchedule, DayMatcher } from './types';

type FieldName = keyof typeof CRON_FIELDS;

interface FieldSyntax {
  readonly name: FieldName;
  readonly label: string;
  readonly names?: readonly string[];
  readonly allowSlash: boolean;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** AWS numbering: SUN = 1 … SAT = 7. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

class FieldParser {
  readonly #expression: string;
  readonly #syntax: FieldSyntax;

  constructor(expression: string, syntax: FieldSyntax) {
    this.#expression = expression;
    this.#syntax = syntax;
  }

  fail(problem: string): never {
    throw new ScheduleExpressionError(this.#expression, `${this.#syntax.label}: ${problem}`);
  }

  get range() {
    return CRON_FIELDS[this.#syntax.name];
  }

  value(text: string): number {
    const upper = text.toUpperCase();
    const named = this.#syntax.names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + 1;
    if (!/^\d+$/.test(text)) this.fail(`${JSON.stringify(text)} is not a value`);
    const value = Number(text);
    const { min, max } = this.range;
    if (value < min || value > max) this.fail(`${value} is outside ${min}-${max}`);
    return value;
  }

  /** Values of one comma-separated part: `*`, `a`, `a-b`, `*\/s`, `a/s`, `a-b/s`. */
  part(text: string): number[] {
    const { min, max } = this.range;
    const [base, stepText, extra] = text.split('/');
    if (extra !== undefined) this.fail(`${JSON.stringify(text)} has more than one /`);
    if (stepText !== undefined && !this.#syntax.allowSlash) this.fail('/ is not allowed in this field');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || stepText === '') {
      this.fail(`increment ${JSON.stringify(stepText)} is not a positive integer`);
    }
    let start: number;
    let end: number;
    if (base === '*') {
      start = min;
      end = max;
    } else if (base.includes('-')) {
      const [from, to, more] = base.split('-');
      if (more !== undefined) this.fail(`${JSON.stringify(base)} is not a range`);
      start = this.value(from);
      end = this.value(to);
    } else {
      start = this.value(base);
      // `a/s` runs from a to the end of the range; a plain value is itself.
      end = stepText === undefined ? start : max;
    }
    const values: number[] = [];
    const span = end >= start ? end - start : max - start + 1 + (end - min);
    for (let offset = 0; offset <= span; offset += step) {
      const value = start + offset;
      values.push(value > max ? value - (max - min + 1) : value);
    }
    return values;
  }

  set(text: string): Set<number> {
    if (text === '') this.fail('empty');
    return new Set(text.split(',').flatMap((part) => this.part(part)));
  }
}

function syntax(name: FieldName, label: string, extra: Partial<FieldSyntax> = {}): FieldSyntax {
  return { name, label, allowSlash: true, ...extra };
}

function dayOfMonthMatcher(parser: FieldParser, text: string): DayMatcher {
  const matchers = text.split(',').map((part): DayMatcher => {
    if (part === 'L') return (year, month, day) => day === daysInMonth(year, month);
    if (part === 'LW') {
      return (year, month, day) => {
        let last = daysInMonth(year, month);
        while (weekday(year, month, last) === 1 || weekday(year, month, last) === 7) last--;
        return day === last;
      };
    }
    const nearest = /^(\d+)W$/.exec(part);
    if (nearest) {
      const target = parser.value(nearest[1]);
      return (year, month, day) => {
        const length = daysInMonth(year, month);
        if (target > length) return false;
        const dow = weekday(year, month, target);
        let chosen = target;
        // The weekday nearest to the target, never crossing into another month.
        if (dow === 7) chosen = target === 1 ? target + 2 : target - 1;
        else if (dow === 1) chosen = target === length ? target - 2 : target + 1;
        return day === chosen;
      };
    }
    if (/[LW]/.test(part)) parser.fail(`${JSON.stringify(part)}: L and W stand as L, LW or nW`);
    const days = new Set(parser.part(part));
    return (_year, _month, day) => days.has(day);
  });
  return (year, month, day) => matchers.some((matches) => matches(year, month, day));
}

function dayOfWeekMatcher(parser: FieldParser, text: string): DayMatcher {
  const parts = text.split(',');
  if (text.includes('#') && parts.length > 1) parser.fail('an n#k expression must stand alone');
  const matchers = parts.map((part): DayMatcher => {
    const nth = /^([^#]+)#(\d+)$/.exec(part);
    if (nth) {
      const dow = parser.value(nth[1]);
      const k = Number(nth[2]);
      if (k < 1 || k > 5) parser.fail(`${JSON.stringify(part)}: the instance after # is 1-5`);
      return (year, month, day) => weekday(year, month, day) === dow && Math.ceil(day / 7) === k;
    }
    // `L` alone is the last day of the week (SAT); `nL` the last such weekday of the month.
    if (part === 'L') return (year, month, day) => weekday(year, month, day) === 7;
    const last = /^(.+)L$/.exec(part);
    if (last) {
      const dow = parser.value(last[1]);
      return (year, month, day) => weekday(year, month, day) === dow && day + 7 > daysInMonth(year, month);
    }
    const days = new Set(parser.part(part));
    return (year, month, day) => days.has(weekday(year, month, day));
  });
  return (year, month, day) => matchers.some((matches) => matches(year, month, day));
}

/**
 * Parses the fields of `cron(...)` (the text between the parentheses).
 *
 * @example
 * ```ts
 * const cron = parseCron('0/15 * * * ? *'); // every 15 minutes
 * nextCronTime(cron, Date.parse('2026-12-04T21:07:00Z')); // 2026-12-04T21:15:00Z in ms
 * ```
 */
export function parseCron(fields: string, expression = `cron(${fields})`): CronSchedule {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleExpressionError(
      expression,
      `needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts;
  const parser = (field: FieldSyntax) => new FieldParser(expression, field);
  const domParser = parser(syntax('dayOfMonth', 'day-of-month'));
  const dowParser = parser(syntax('dayOfWeek', 'day-of-week', { names: DAY_NAMES, allowSlash: false }));
  for (const [text, field] of [
    [minutes, parser(syntax('minutes', 'minutes'))],
    [hours, parser(syntax('hours', 'hours'))],
    [month, parser(syntax('month', 'month'))],
    [year, parser(syntax('year', 'year'))],
  ] as const) {
    if (/[?LW#]/i.test(text)) field.fail(`${JSON.stringify(text)}: ? L W # are day-field wildcards`);
  }
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(
      expression,
      'exactly one of day-of-month and day-of-week must be ? (the other names the days)',
    );
  }
  if (/#/.test(dayOfMonth)) domParser.fail('# is a day-of-week wildcard');
  if (/W/.test(dayOfWeek.toUpperCase().replace(/WED/g, ''))) dowParser.fail('W is a day-of-month wildcard');
  return {
    minutes: parser(syntax('minutes', 'minutes')).set(minutes),
    hours: parser(syntax('hours', 'hours')).set(hours),
    months: parser(syntax('month', 'month', { names: MONTH_NAMES })).set(month),
    years: parser(syntax('year', 'year')).set(year),
    days:
      dayOfMonth === '?'
        ? dayOfWeekMatcher(dowParser, dayOfWeek.toUpperCase())
        : dayOfMonthMatcher(domParser, dayOfMonth.toUpperCase()),
  };
}

function first(values: ReadonlySet<number>, atLeast: number): number | undefined {
  let best: number | undefined;
  for (const value of values) if (value >= atLeast && (best === undefined || value < best)) best = value;
  return best;
}

/**
 * The first time after `afterMs` (exclusive, epoch ms) at which the schedule fires, on a whole minute;
 * undefined when it never fires again (a year range in the past, a 30th of February).
 *
 * @example
 * ```ts
 * nextCronTime(parseCron('0 10 * * ? *'), Date.parse('2026-12-04T10:00:00Z')); // 2026-12-05T10:00:00Z
 * ```
 */
export function nextCronTime(cron: CronSchedule, afterMs: number): number | undefined {
  const start = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const from = new Date(start);
  let dayStart = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const lastYear = CRON_FIELDS.year.max;
  while (new Date(dayStart).getUTCFullYear() <= lastYear) {
    const date = new Date(dayStart);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    if (!cron.years.has(year)) {
      dayStart = Date.UTC(year + 1, 0, 1);
      continue;
    }
    if (!cron.months.has(month)) {
      dayStart = Date.UTC(year, month, 1);
      continue;
    }
    if (cron.days(year, month, date.getUTCDate())) {
      const sameDay = dayStart === Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
      const minHour = sameDay ? from.getUTCHours() : 0;
      for (let hour = first(cron.hours, minHour); hour !== undefined; hour = first(cron.hours, hour + 1)) {
        const minMinute = sameDay && hour === minHour ? from.getUTCMinutes() : 0;
        const minute = first(cron.minutes, minMinute);
        if (minute !== undefined) return dayStart + hour * 3_600_000 + minute * MINUTE_MS;
      }
    }
    dayStart += DAY_MS;
  }
  return undefined;
}
