/** Errors of the local schedule runner. */

/** A schedule expression EventBridge would refuse; the message says which part and why. */
export class ScheduleExpressionError extends Error {
  readonly expression: string;

  constructor(expression: string, problem: string) {
    super(`schedule expression ${JSON.stringify(expression)}: ${problem}`);
    this.name = 'ScheduleExpressionError';
    this.expression = expression;
  }
}

/** A scheduled rule, or the schedule settings, the local runtime cannot run; names which and why. */
export class ScheduleConfigError extends Error {
  constructor(subject: string, problem: string) {
    super(`${subject}: ${problem}`);
    this.name = 'ScheduleConfigError';
  }
}
