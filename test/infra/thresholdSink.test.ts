/**
 * A Redis sink with a threshold mapping: the producer environment, produce permission to exactly the alert
 * topic, and the silence sweep's scheduled rule naming the mapping.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configWith, synthPipeline } from './pipelineTemplates';

const THRESHOLD = {
  name: 'device-temp',
  topic: 'telemetry.changes',
  operation: 'threshold',
  key: '{deviceId}',
  valueField: 'temperature',
  above: 80,
  recoverBelow: 70,
  silenceSeconds: 300,
  schedule: 'rate(2 minutes)',
  alertTopic: 'clickstream',
};

describe('Redis sink with a threshold mapping', () => {
  const { bridgesTemplate } = synthPipeline(
    configWith((config) => {
      config.sinks.redis.mappings.push(THRESHOLD);
    }),
  );

  it('adds the silence sweep as a scheduled rule whose event names the mapping', () => {
    bridgesTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({
            InputTemplate: Match.stringLikeRegexp('"detail":\\{"mapping":"device-temp"\\}'),
          }),
        }),
      ],
    });
    bridgesTemplate.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com' });
  });

  it('gives the sink the producer environment and write access to the alert topic only', () => {
    const functions = bridgesTemplate.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: { Variables: { KAFKA_AUTH: Match.anyValue(), REDIS_TLS: Match.anyValue() } },
      },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const writes = Object.values(bridgesTemplate.findResources('AWS::IAM::Policy'))
      .flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('kafka-cluster:WriteData"'));
    const topics = writes.map((statement) => JSON.stringify(statement.Resource));
    expect(topics.some((resource) => resource.includes('/clickstream'))).toBe(true);
    expect(
      topics.filter((resource) => resource.includes('/clickstream') && !resource.includes('changes')),
    ).toHaveLength(1);
  });
});
