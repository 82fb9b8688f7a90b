/**
 * Timers of sink mappings on AWS: an EventBridge scheduled rule (`rate(...)` or `cron(...)`) that invokes
 * the sink's function with a Scheduled Event naming the mapping (`detail.mapping`), which the handler's
 * router (lambdas/core/schedule/routeInvocation.ts) sends to that mapping's timer.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { SCHEDULED_DETAIL_FIELD } from '../lambdas/core/schedule/constants';

export interface ScheduledInvocationProps {
  /** When the timer runs: `events.Schedule.rate(Duration.minutes(1))` or `events.Schedule.expression('cron(0/5 * * * ? *)')`. */
  readonly schedule: events.Schedule;
  /** The mapping whose timer runs: its name in the sink's config. */
  readonly mapping: string;
  /** Construct id of the rule; default `Schedule-<mapping>`. */
  readonly id?: string;
}

/**
 * The target input: the Scheduled Event exactly as AWS builds it (every field read from the event by an
 * input transformer), except `detail`, which names the mapping.
 */
function scheduledEventInput(mapping: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    version: events.EventField.fromPath('$.version'),
    id: events.EventField.eventId,
    'detail-type': events.EventField.detailType,
    source: events.EventField.source,
    account: events.EventField.account,
    time: events.EventField.time,
    region: events.EventField.region,
    resources: events.EventField.fromPath('$.resources'),
    detail: { [SCHEDULED_DETAIL_FIELD]: mapping },
  });
}

/**
 * Adds a scheduled rule that invokes `fn` for `props.mapping`'s timer, and the permission that lets
 * EventBridge invoke it (for this rule only).
 *
 * @example
 * ```ts
 * addScheduledInvocation(this, sink.bridge.function, {
 *   schedule: events.Schedule.rate(Duration.minutes(1)),
 *   mapping: 'device-thresholds',
 * });
 * ```
 */
export function addScheduledInvocation(
  scope: Construct,
  fn: lambda.IFunction,
  props: ScheduledInvocationProps,
): events.Rule {
  return new events.Rule(scope, props.id ?? `Schedule-${props.mapping}`, {
    description: `Runs the timer of mapping ${props.mapping}`,
    schedule: props.schedule,
    targets: [new targets.LambdaFunction(fn, { event: scheduledEventInput(props.mapping) })],
  });
}
