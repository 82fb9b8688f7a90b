import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../local/deploy/errors';
import { localScheduleRule } from '../../../local/deploy/localScheduleRule';
import type { LocalFunction } from '../../../local/runtime/types';

const FN: LocalFunction = {
  logicalId: 'SinkFn',
  functionName: 'shop-kafka-to-redis',
  assetDir: '/tmp/asset',
  handler: 'index.handler',
  environment: {},
  timeoutSeconds: 30,
  memoryMb: 256,
};
const FN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:shop-kafka-to-redis';

function site(properties: Record<string, unknown>) {
  return {
    stackName: 'shop-bridges',
    logicalId: 'Tick',
    properties,
    region: 'us-east-1',
    accountId: '123456789012',
    functionFor: (reference: string) => (reference === FN_ARN ? FN : undefined),
  };
}

describe('localScheduleRule', () => {
  it('deploys a scheduled rule with its function targets and their input settings', () => {
    // Act
    const result = localScheduleRule(
      site({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          {
            Id: 'Target0',
            Arn: FN_ARN,
            InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: '{"t":<time>}' },
          },
          { Id: 'Queue', Arn: 'arn:aws:sqs:us-east-1:123456789012:q' },
        ],
      }),
    );

    // Assess
    expect(result).toEqual({
      ok: true,
      rule: {
        logicalId: 'Tick',
        ruleName: 'shop-bridges-Tick',
        ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/shop-bridges-Tick',
        scheduleExpression: 'rate(1 minute)',
        enabled: true,
        targets: [
          {
            id: 'Target0',
            functionLogicalId: 'SinkFn',
            inputTransformer: { inputPathsMap: { time: '$.time' }, inputTemplate: '{"t":<time>}' },
          },
        ],
      },
      detail: expect.stringContaining('rate(1 minute) → 1 function; target Queue'),
    });
  });

  it('keeps a disabled rule disabled and uses its Name', () => {
    const result = localScheduleRule(
      site({
        Name: 'tick',
        ScheduleExpression: 'cron(0 10 * * ? *)',
        State: 'DISABLED',
        Targets: [{ Id: 'T', Arn: FN_ARN }],
      }),
    );
    expect(result).toMatchObject({ ok: true, rule: { ruleName: 'tick', enabled: false } });
  });

  it('skips event-pattern rules and rules without a function target, saying why', () => {
    expect(localScheduleRule(site({ EventPattern: { source: ['aws.s3'] }, Targets: [] }))).toEqual({
      ok: false,
      reason: 'event-pattern rules need an event bus, which has no local stand-in',
    });
    expect(localScheduleRule(site({ ScheduleExpression: 'rate(1 minute)', Targets: [] }))).toEqual({
      ok: false,
      reason: 'the rule has no targets',
    });
  });

  it.each([
    [{ ScheduleExpression: 'rate(1 minutes)', Targets: [] }, 'Tick.ScheduleExpression: schedule expression'],
    [
      { ScheduleExpression: 'rate(1 minute)', Targets: [{ Id: 'T', Arn: FN_ARN, Input: '{' }] },
      'Input: must be valid JSON',
    ],
    [
      {
        ScheduleExpression: 'rate(1 minute)',
        Targets: [{ Id: 'T', Arn: FN_ARN, Input: '{}', InputPath: '$' }],
      },
      'exclude each other',
    ],
  ])('refuses a template EventBridge would refuse (%j)', (properties, message) => {
    expect(() => localScheduleRule(site(properties))).toThrow(TemplateError);
    expect(() => localScheduleRule(site(properties))).toThrow(message);
  });
});
