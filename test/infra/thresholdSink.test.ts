/**
 * A Redis sink with a threshold mapping: the producer environment, produce permission to exactly the alert
 * topic, and the silence sweep's scheduled rule naming the mapping; with `alertSns`, the topic (KMS, TLS-only)
 * or the existing one, exactly sns:Publish on it, its ARN in the environment and the SNS VPC endpoint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('Redis sink with a threshold mapping publishing to SNS', () => {
  const EXISTING = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts';
  const pipeline = synthPipeline(
    configWith((config) => {
      config.sinks.redis.mappings.push(
        { ...THRESHOLD, alertSns: { topicName: 'device-temp-alerts' } },
        { ...THRESHOLD, name: 'device-humidity', alertSns: { existingTopicArn: EXISTING } },
      );
    }),
  );
  const { bridgesTemplate, dataTemplate } = pipeline;
  // The alarm topic aside (its own key): the alert topics are those on the AWS-managed key.
  const topics = Object.fromEntries(
    Object.entries(bridgesTemplate.findResources('AWS::SNS::Topic')).filter(([, topic]) =>
      JSON.stringify(topic.Properties.KmsMasterKeyId).includes('alias/aws/sns'),
    ),
  );
  const [topicId] = Object.keys(topics);

  it('creates the named topic encrypted with the AWS-managed SNS key, and nothing for the existing one', () => {
    expect(Object.keys(topics)).toHaveLength(1);
    expect(topics[topicId as string]?.Properties).toMatchObject({ TopicName: 'device-temp-alerts' });
  });

  it('lets only TLS requests reach the created topic', () => {
    bridgesTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('grants the sink exactly sns:Publish, on each of the two topics', () => {
    const publishes = Object.values(bridgesTemplate.findResources('AWS::IAM::Policy'))
      .flatMap(
        (policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[],
      )
      .filter((statement) => JSON.stringify(statement.Action).includes('sns:'));
    expect(publishes).toEqual([
      expect.objectContaining({ Action: 'sns:Publish', Resource: [EXISTING, { Ref: topicId }] }),
    ]);
  });

  it('names both topics in the sink environment, by mapping', () => {
    const functions = bridgesTemplate.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { ALERT_SNS_TOPIC_ARNS: Match.anyValue() } } },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const value = JSON.stringify(
      Object.values(functions)[0]?.Properties.Environment.Variables.ALERT_SNS_TOPIC_ARNS,
    );
    expect(value).toContain(`{"Ref":"${topicId}"}`);
    expect(value).toContain('device-humidity');
    expect(value).toContain(EXISTING);
  });

  it('adds the SNS interface endpoint to the VPC', () => {
    dataTemplate.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.sns'])] }),
      VpcEndpointType: 'Interface',
    });
  });

  it('passes cdk-nag AwsSolutions with no finding', () => {
    pipeline.app.synth({ force: true });
    const report = JSON.parse(readFileSync(join(pipeline.app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    for (const plugin of report.pluginReports) expect(plugin.violations ?? []).toEqual([]);
  });
});

describe('Redis sink with a threshold mapping without alertSns', () => {
  const { bridgesTemplate, dataTemplate } = synthPipeline(
    configWith((config) => {
      config.sinks.redis.mappings.push(THRESHOLD);
    }),
  );

  it('has no SNS topic, no SNS permission, no topic variable and no SNS endpoint', () => {
    expect(JSON.stringify(bridgesTemplate.findResources('AWS::SNS::Topic'))).not.toContain('alias/aws/sns');
    expect(JSON.stringify(bridgesTemplate.findResources('AWS::IAM::Policy'))).not.toContain('sns:');
    expect(JSON.stringify(bridgesTemplate.toJSON())).not.toContain('ALERT_SNS_TOPIC_ARNS');
    expect(JSON.stringify(dataTemplate.findResources('AWS::EC2::VPCEndpoint'))).not.toContain('".sns"');
  });
});
