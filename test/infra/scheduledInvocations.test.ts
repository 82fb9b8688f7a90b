/**
 * `addScheduledInvocation`: the rule, its target input (AWS's Scheduled Event with `detail.mapping`) and
 * the invoke permission for that rule only; the input is what the handler's router recognises.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { addScheduledInvocation } from '../../lib/scheduledInvocations';
import { targetInput } from '../../local/runtime/schedules/targetInput';

function build(schedule: events.Schedule) {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Timers');
  const fn = new lambda.Function(stack, 'Sink', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
  });
  addScheduledInvocation(stack, fn, { schedule, mapping: 'device-thresholds' });
  return Template.fromStack(stack);
}

describe('addScheduledInvocation', () => {
  it('adds a scheduled rule targeting the function, and a permission for that rule only', () => {
    // Act
    const template = build(events.Schedule.rate(Duration.minutes(1)));

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Sink'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Scheduledevicethresholds'), 'Arn'] },
    });
  });

  it('passes cron expressions through unchanged', () => {
    const template = build(events.Schedule.expression('cron(0/5 * * * ? *)'));
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/5 * * * ? *)' });
  });

  it('delivers AWS’s Scheduled Event with detail.mapping, as the target input transforms it', () => {
    // Prepare
    const template = build(events.Schedule.rate(Duration.minutes(5)));
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    const transformer = rule?.Properties.Targets[0].InputTransformer;
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-04T21:15:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/r'],
      detail: {},
    };

    // Act: the transformation EventBridge applies (the local runtime's implementation of it)
    const input = targetInput(
      { ruleArn: event.resources[0] as string, ruleName: 'r' },
      {
        id: 'Target0',
        functionLogicalId: 'Sink',
        inputTransformer: {
          inputPathsMap: transformer.InputPathsMap,
          inputTemplate: transformer.InputTemplate,
        },
      },
      event,
    );

    // Assess
    expect(input).toEqual({ ...event, detail: { mapping: 'device-thresholds' } });
  });
});
