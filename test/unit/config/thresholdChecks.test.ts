/** The config rules of threshold mappings (schema and semantic checks), on a copy of the reference pipeline. */
import { describe, expect, it } from 'vitest';
import { pipelineChecks } from '../../../config/semanticChecks';
import { validatePipelineConfig } from '../../../config/validatePipelineConfig';
import reference from '../../../streambridge.config';

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a copy of the config to break one rule
type Loose = any;

const THRESHOLD = {
  name: 'device-temp',
  topic: 'telemetry.changes',
  operation: 'threshold',
  key: '{deviceId}',
  valueField: 'temperature',
  above: 80,
  recoverBelow: 70,
  forReadings: 2,
  silenceSeconds: 120,
  alertTopic: 'clickstream',
};

function withThreshold(mutate: (mapping: Loose, config: Loose) => void = () => undefined): Loose {
  const config = structuredClone(reference) as Loose;
  const mapping = { ...THRESHOLD };
  config.sinks.redis.mappings = config.sinks.redis.mappings.filter((m: Loose) => m.operation !== 'threshold');
  config.sinks.redis.mappings.push(mapping);
  mutate(mapping, config);
  return config;
}

function at(config: Loose): string {
  return `sinks.redis.mappings[${config.sinks.redis.mappings.length - 1}]`;
}

describe('threshold mappings in the config', () => {
  it('accepts a threshold with hysteresis, debounce and silence', () => {
    const config = withThreshold();
    expect(() => validatePipelineConfig(config)).not.toThrow();
    expect(pipelineChecks(config)).toEqual([]);
  });

  it.each<[string, (m: Loose) => void, string]>([
    [
      'no bound',
      (m) => {
        delete m.above;
        delete m.recoverBelow;
      },
      ': a threshold needs above or below',
    ],
    [
      'an undeclared alert topic',
      (m) => {
        m.alertTopic = 'alerts';
      },
      '.alertTopic: topic "alerts" is not declared',
    ],
    [
      'a recovery bound above the threshold',
      (m) => {
        m.recoverBelow = 90;
      },
      '.recoverBelow: must be at most above (80)',
    ],
    [
      'recoverAbove without below',
      (m) => {
        m.recoverAbove = 5;
      },
      '.recoverAbove: needs below',
    ],
    [
      'an empty recovery band',
      (m) => {
        m.below = 75;
      },
      ': the recovery band is empty: 75 (recoverAbove or below) is above 70',
    ],
    [
      'a schedule without silence',
      (m) => {
        delete m.silenceSeconds;
        m.schedule = 'rate(1 minute)';
      },
      '.schedule: the sweep finds silent keys: needs silenceSeconds',
    ],
    [
      'an SNS topic both created and existing',
      (m) => {
        m.alertSns = { topicName: 'alerts', existingTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' };
      },
      '.alertSns: topicName names a topic to create: not with existingTopicArn',
    ],
  ])('refuses %s, naming the field', (_, mutate, message) => {
    const config = withThreshold(mutate);
    expect(pipelineChecks(config).join('\n')).toContain(`${at(config)}${message}`);
  });

  it.each([
    {},
    { topicName: 'device-alerts' },
    { existingTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' },
  ])('accepts alertSns %j', (alertSns) => {
    const config = withThreshold((m) => {
      m.alertSns = alertSns;
    });
    expect(() => validatePipelineConfig(config)).not.toThrow();
    expect(pipelineChecks(config)).toEqual([]);
  });

  it.each<[string, Loose, string]>([
    ['a FIFO topic name', { topicName: 'alerts.fifo' }, '.alertSns.topicName'],
    [
      'an ARN that is not an SNS topic',
      { existingTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:q' },
      '.alertSns.existingTopicArn',
    ],
    ['an unknown field', { arn: 'x' }, '.alertSns'],
  ])('refuses alertSns with %s, naming the field', (_, alertSns, field) => {
    const config = withThreshold((m) => {
      m.alertSns = alertSns;
    });
    expect(() => validatePipelineConfig(config)).toThrow(`${at(config)}${field}`);
  });

  it('refuses a schedule that is not rate(...) or cron(...)', () => {
    const config = withThreshold((m) => {
      m.schedule = 'every minute';
    });
    expect(() => validatePipelineConfig(config)).toThrow(`${at(config)}.schedule`);
  });
});
