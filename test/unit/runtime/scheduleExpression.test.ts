import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '../../../local/runtime/schedules/errors';
import { nextFireTime, parseScheduleExpression } from '../../../local/runtime/schedules/scheduleExpression';

/** The next `count` fire times after `from`, as ISO strings. */
function fires(expression: string, from: string, count: number): string[] {
  const parsed = parseScheduleExpression(expression);
  const times: string[] = [];
  let at = Date.parse(from);
  for (let i = 0; i < count; i++) {
    const next = nextFireTime(parsed, at);
    if (next === undefined) break;
    times.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    at = next;
  }
  return times;
}

// 2026-12-04 is a Friday.
const FRIDAY_EVENING = '2026-12-04T21:07:30Z';

describe('parseScheduleExpression: rate', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('%s fires every %d ms', (text, intervalMs) => {
    // Prepare / Act
    const parsed = parseScheduleExpression(text);
    // Assess
    expect(parsed).toEqual({ kind: 'rate', text, intervalMs });
    expect(nextFireTime(parsed, 1_000)).toBe(1_000 + intervalMs);
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(1 hours)',
    'rate(0 minutes)',
    'rate(-1 minutes)',
    'rate(1.5 hours)',
    'rate(2 seconds)',
    'rate(5)',
    'every(5 minutes)',
  ])('refuses %s as EventBridge does', (text) => {
    expect(() => parseScheduleExpression(text)).toThrow(ScheduleExpressionError);
  });

  it('scales a rate locally, never below the floor', () => {
    const parsed = parseScheduleExpression('rate(1 minute)');
    expect(nextFireTime(parsed, 0, 0.01)).toBe(600);
    expect(nextFireTime(parsed, 0, 0.0001, 50)).toBe(50);
  });
});

describe('parseScheduleExpression: cron, the examples of the EventBridge user guide', () => {
  it.each([
    // "Run at 10:00 am (UTC+0) every day"
    ['cron(0 10 * * ? *)', ['2026-12-05T10:00:00Z', '2026-12-06T10:00:00Z']],
    // "Run at 12:15 pm (UTC+0) every day"
    ['cron(15 12 * * ? *)', ['2026-12-05T12:15:00Z', '2026-12-06T12:15:00Z']],
    // "Run at 6:00 pm (UTC+0) every Monday through Friday"
    ['cron(0 18 ? * MON-FRI *)', ['2026-12-07T18:00:00Z', '2026-12-08T18:00:00Z']],
    // "Run at 8:00 am (UTC+0) every 1st day of the month"
    ['cron(0 8 1 * ? *)', ['2027-01-01T08:00:00Z', '2027-02-01T08:00:00Z']],
    // "Run every 15 minutes"
    [
      'cron(0/15 * * * ? *)',
      ['2026-12-04T21:15:00Z', '2026-12-04T21:30:00Z', '2026-12-04T21:45:00Z', '2026-12-04T22:00:00Z'],
    ],
    // "Run every 10 minutes Monday through Friday" (Friday evening, then Monday)
    ['cron(0/10 * ? * MON-FRI *)', ['2026-12-04T21:10:00Z', '2026-12-04T21:20:00Z']],
    // "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)"
    ['cron(0/5 8-17 ? * MON-FRI *)', ['2026-12-07T08:00:00Z', '2026-12-07T08:05:00Z']],
    // "Run at 9:00 am (UTC+0) the first Monday of each month"
    ['cron(0 9 ? * 2#1 *)', ['2026-12-07T09:00:00Z', '2027-01-04T09:00:00Z']],
    // The wildcard section: "1/10 … the 11th, 21st, and 31st minute, and so on"
    ['cron(1/10 * * * ? *)', ['2026-12-04T21:11:00Z', '2026-12-04T21:21:00Z', '2026-12-04T21:31:00Z']],
    // "3W specifies the weekday closest to the third day of the month" (2027-01-03 is a Sunday → Mon 4th)
    ['cron(0 0 3W * ? *)', ['2027-01-04T00:00:00Z', '2027-02-03T00:00:00Z', '2027-03-03T00:00:00Z']],
    // "3#2 refers to the second Tuesday of the month"
    ['cron(0 0 ? * 3#2 *)', ['2026-12-08T00:00:00Z', '2027-01-12T00:00:00Z']],
    // "L … the last day of the month"
    ['cron(0 9 L * ? *)', ['2026-12-31T09:00:00Z', '2027-01-31T09:00:00Z', '2027-02-28T09:00:00Z']],
    // Month names and a comma list: January, February and March
    [
      'cron(0 0 1 JAN,FEB,MAR ? *)',
      ['2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z', '2027-03-01T00:00:00Z', '2028-01-01T00:00:00Z'],
    ],
    // "1-15 includes days 1 through 15 of the specified month"
    ['cron(30 6 1-15 * ? 2027)', ['2027-01-01T06:30:00Z', '2027-01-02T06:30:00Z']],
  ])('%s', (expression, expected) => {
    expect(fires(expression, FRIDAY_EVENING, expected.length)).toEqual(expected);
  });

  it('L in day-of-week is Saturday, nL the last such weekday of the month, LW the last weekday', () => {
    expect(fires('cron(0 0 ? * L *)', FRIDAY_EVENING, 2)).toEqual([
      '2026-12-05T00:00:00Z',
      '2026-12-12T00:00:00Z',
    ]);
    expect(fires('cron(0 0 ? * 6L *)', FRIDAY_EVENING, 2)).toEqual([
      '2026-12-25T00:00:00Z',
      '2027-01-29T00:00:00Z',
    ]);
    // 2027-01-31 is a Sunday: the last weekday of January 2027 is Friday the 29th.
    expect(fires('cron(0 0 LW * ? *)', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-01-29T00:00:00Z']);
  });

  it('stops when the year range is over', () => {
    expect(fires('cron(0 0 1 1 ? 2027)', FRIDAY_EVENING, 3)).toEqual(['2027-01-01T00:00:00Z']);
    expect(fires('cron(0 0 1 1 ? 2020-2025)', FRIDAY_EVENING, 1)).toEqual([]);
  });

  it('a range past its end wraps', () => {
    expect(fires('cron(0 22-1 * * ? *)', FRIDAY_EVENING, 4)).toEqual([
      '2026-12-04T22:00:00Z',
      '2026-12-04T23:00:00Z',
      '2026-12-05T00:00:00Z',
      '2026-12-05T01:00:00Z',
    ]);
  });

  it.each([
    ['cron(0 10 * * *)', '6 fields'],
    ['cron(0 10 * * * *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(0 10 ? * ? *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(60 10 * * ? *)', 'minutes: 60 is outside 0-59'],
    ['cron(0 24 * * ? *)', 'hours: 24 is outside 0-23'],
    ['cron(0 0 32 * ? *)', 'day-of-month: 32 is outside 1-31'],
    ['cron(0 0 ? * 8 *)', 'day-of-week: 8 is outside 1-7'],
    ['cron(0 0 1 13 ? *)', 'month: 13 is outside 1-12'],
    ['cron(0 0 1 * ? 2200)', 'year: 2200 is outside 1970-2199'],
    ['cron(0 0 ? * 1/2 *)', '/ is not allowed'],
    ['cron(0 0 ? * 3#1,6#3 *)', 'must stand alone'],
    ['cron(0/0 * * * ? *)', 'increment'],
    ['cron(L * * * ? *)', 'day-field wildcards'],
    ['cron(0 0 1# * ? *)', '# is a day-of-week wildcard'],
    ['cron(0 0 ? * 2W *)', 'W is a day-of-month wildcard'],
  ])('refuses %s (%s)', (expression, problem) => {
    expect(() => parseScheduleExpression(expression)).toThrow(problem);
  });
});
