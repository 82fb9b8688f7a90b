import { describe, expect, it } from 'vitest';
import { scheduledEvent, targetInput, valueAtPath } from '../../../local/runtime/schedules/targetInput';

const RULE = { ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/tick', ruleName: 'tick' };
const EVENT = scheduledEvent({
  rule: RULE,
  time: Date.parse('2026-12-04T21:15:00.456Z'),
  region: 'us-east-1',
  accountId: '123456789012',
  id: 'e-1',
});

describe('scheduledEvent', () => {
  it('is the Scheduled Event EventBridge sends: rule ARN in resources, time to the second, empty detail', () => {
    expect(EVENT).toEqual({
      version: '0',
      id: 'e-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-04T21:15:00Z',
      region: 'us-east-1',
      resources: [RULE.ruleArn],
      detail: {},
    });
  });
});

describe('targetInput', () => {
  it('passes the event unchanged without input settings', () => {
    expect(targetInput(RULE, { id: 'T', functionLogicalId: 'Fn' }, EVENT)).toBe(EVENT);
  });

  it('replaces the event by a constant Input, or by the part InputPath names', () => {
    expect(targetInput(RULE, { id: 'T', functionLogicalId: 'Fn', input: '{"a":[1,2]}' }, EVENT)).toEqual({
      a: [1, 2],
    });
    expect(targetInput(RULE, { id: 'T', functionLogicalId: 'Fn', inputPath: '$.resources[0]' }, EVENT)).toBe(
      RULE.ruleArn,
    );
  });

  it('fills an InputTransformer template: JSON values outside quotes, text inside, predefined variables', () => {
    // Prepare
    const target = {
      id: 'T',
      functionLogicalId: 'Fn',
      inputTransformer: {
        inputPathsMap: {
          time: '$.time',
          resources: '$.resources',
          'detail-type': '$.detail-type',
          gone: '$.nope',
        },
        inputTemplate:
          '{"time":<time>,"resources":<resources>,"kind":<detail-type>,"said":"at <time> by <aws.events.rule-name>","rule":<aws.events.rule-arn>,"gone":<gone>,"literal":"<b>"}',
      },
    };

    // Act
    const input = targetInput(RULE, target, EVENT);

    // Assess
    expect(input).toEqual({
      time: '2026-12-04T21:15:00Z',
      resources: [RULE.ruleArn],
      kind: 'Scheduled Event',
      said: 'at 2026-12-04T21:15:00Z by tick',
      rule: RULE.ruleArn,
      gone: null,
      literal: '<b>',
    });
  });
});

describe('valueAtPath', () => {
  it('reads $, dotted fields with dashes and list indexes', () => {
    expect(valueAtPath({ a: 1 }, '$')).toEqual({ a: 1 });
    expect(valueAtPath({ 'detail-type': 'x' }, '$.detail-type')).toBe('x');
    expect(valueAtPath({ a: { b: [5, 6] } }, '$.a.b[1]')).toBe(6);
    expect(valueAtPath({ a: 1 }, '$.a.b')).toBeUndefined();
  });
});
