// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are CloudFormation Fn::Sub templates, not JS ones.
import { describe, expect, it } from 'vitest';
import { customResourceFunctions } from '../../../local/deploy/customResourceFunctions';
import { SynthError } from '../../../local/deploy/errors';
import { orderResources } from '../../../local/deploy/orderResources';
import { TemplateResolver } from '../../../local/deploy/TemplateResolver';
import type { CfnTemplate } from '../../../local/deploy/types';
import { resolverContext, template } from './deployFactories';

function references(subject: CfnTemplate) {
  const resolver = new TemplateResolver(subject, resolverContext());
  return (value: unknown) => resolver.references(value);
}

describe('orderResources', () => {
  it('puts every resource after what it refers to or depends on', () => {
    // Prepare
    const subject = template({
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { FunctionName: { Ref: 'Fn' }, EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] } },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { Q: { 'Fn::Sub': '${Queue}' } } } },
      },
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: { KinesisStreamSpecification: { StreamArn: { 'Fn::GetAtt': ['Stream', 'Arn'] } } },
      },
      Queue: { Type: 'AWS::SQS::Queue' },
      Stream: { Type: 'AWS::Kinesis::Stream' },
    });
    (subject.Resources as Record<string, { DependsOn?: string }>).Queue.DependsOn = 'Stream';

    // Act
    const order = orderResources('app', subject, references(subject));

    // Assess
    const position = (id: string) => order.indexOf(id);
    expect(order).toHaveLength(5);
    expect(position('Stream')).toBeLessThan(position('Table'));
    expect(position('Stream')).toBeLessThan(position('Queue'));
    expect(position('Queue')).toBeLessThan(position('Fn'));
    expect(position('Fn')).toBeLessThan(position('Mapping'));
    expect(position('Table')).toBeLessThan(position('Mapping'));
  });

  it('refuses a reference cycle, naming it', () => {
    // Prepare
    const subject = template({
      A: { Type: 'AWS::SQS::Queue', Properties: { X: { Ref: 'B' } } },
      B: { Type: 'AWS::SQS::Queue', Properties: { X: { Ref: 'A' } } },
    });

    // Act
    const act = () => orderResources('app', subject, references(subject));

    // Assess
    expect(act).toThrow(SynthError);
    expect(act).toThrow('stack app: resources depend on each other in a cycle: A → B → A');
  });
});

describe('customResourceFunctions', () => {
  it('finds the functions behind custom resources, through the provider framework', () => {
    // Prepare
    const subject = template({
      Seed: {
        Type: 'Custom::SeedTable',
        Properties: { ServiceToken: { 'Fn::GetAtt': ['ProviderOnEvent', 'Arn'] } },
      },
      ProviderOnEvent: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Environment: {
            Variables: { USER_ON_EVENT_FUNCTION_ARN: { 'Fn::GetAtt': ['SeedHandler', 'Arn'] } },
          },
        },
      },
      SeedHandler: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { T: { Ref: 'Table' } } } },
      },
      Table: { Type: 'AWS::DynamoDB::Table' },
      Bridge: { Type: 'AWS::Lambda::Function' },
    });

    // Act
    const found = customResourceFunctions(subject, references(subject));

    // Assess
    expect([...found].sort()).toEqual(['ProviderOnEvent', 'SeedHandler']);
  });
});
