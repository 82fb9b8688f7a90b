// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are CloudFormation Fn::Sub templates, not JS ones.
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../local/deploy/errors';
import { TemplateResolver } from '../../../local/deploy/TemplateResolver';
import { resolverContext, tableValues, template } from './deployFactories';

const resources = {
  Orders: { Type: 'AWS::DynamoDB::Table' },
  Cluster: { Type: 'AWS::MSK::Cluster' },
  Bridge: {
    Type: 'AWS::Lambda::Function',
    Properties: { Environment: { Variables: { T: { Ref: 'Orders' } } } },
  },
};

function resolver(extra: Parameters<typeof template>[1] = {}, exports: Record<string, unknown> = {}) {
  const values = {
    Orders: tableValues('orders'),
    Cluster: {
      type: 'AWS::MSK::Cluster',
      ref: 'arn:aws:kafka:us-east-1:123456789012:cluster/msk/local',
      attributes: { Arn: 'arn:aws:kafka:us-east-1:123456789012:cluster/msk/local' },
      placeholderAttributes: true,
    },
  };
  return new TemplateResolver(template(resources, extra), resolverContext(values, exports));
}

describe('TemplateResolver', () => {
  it.each([
    ['Ref to a resource', { Ref: 'Orders' }, 'orders'],
    ['Ref to AWS::Region', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['Ref to AWS::AccountId', { Ref: 'AWS::AccountId' }, '123456789012'],
    ['Ref to AWS::Partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['Ref to AWS::URLSuffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['Ref to AWS::StackName', { Ref: 'AWS::StackName' }, 'app-stateless'],
    [
      'Fn::GetAtt as a list',
      { 'Fn::GetAtt': ['Orders', 'Arn'] },
      'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    ],
    [
      'Fn::GetAtt as a dotted string',
      { 'Fn::GetAtt': 'Orders.Arn' },
      'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    ],
    [
      'Fn::GetAtt of a skipped resource',
      { 'Fn::GetAtt': ['Cluster', 'BootstrapBrokers'] },
      'Cluster.BootstrapBrokers',
    ],
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'Orders' }, 'b']] }, 'a-orders-b'],
    ['Fn::Select', { 'Fn::Select': [1, ['x', 'y', 'z']] }, 'y'],
    [
      'Fn::Select over Fn::Split',
      { 'Fn::Select': ['2', { 'Fn::Split': [':', { 'Fn::GetAtt': ['Orders', 'Arn'] }] }] },
      'dynamodb',
    ],
    ['Fn::Split', { 'Fn::Split': [',', 'a,b'] }, ['a', 'b']],
    [
      'Fn::Sub with resources and pseudo parameters',
      { 'Fn::Sub': '${Orders}@${AWS::Region}/${Orders.Arn}' },
      'orders@eu-west-1/arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    ],
    [
      'Fn::Sub with variables',
      { 'Fn::Sub': ['${Name}-${AWS::AccountId}', { Name: { Ref: 'Orders' } }] },
      'orders-123456789012',
    ],
    ['Fn::Sub keeps ${!Literal}', { 'Fn::Sub': 'keep ${!Literal}' }, 'keep ${Literal}'],
    ['Fn::Base64', { 'Fn::Base64': 'retention.ms=1' }, Buffer.from('retention.ms=1').toString('base64')],
    ['Fn::GetAZs', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, 'eu-west-1a'],
    ['Fn::ToJsonString', { 'Fn::ToJsonString': { t: { Ref: 'Orders' } } }, '{"t":"orders"}'],
    ['Fn::Length', { 'Fn::Length': [1, 2, 3] }, 3],
  ])('resolves %s', (_name, value, expected) => {
    // Act
    const resolved = resolver().resolve(value, 'Bridge', 'Environment');

    // Assess
    expect(resolved).toEqual(expected);
  });

  it('resolves Fn::ImportValue from the exports of earlier stacks', () => {
    // Prepare
    const subject = resolver({}, { 'app-stateful:TableName': 'orders' });

    // Act
    const resolved = subject.resolve(
      { 'Fn::ImportValue': 'app-stateful:TableName' },
      'Bridge',
      'Environment.T',
    );

    // Assess
    expect(resolved).toBe('orders');
  });

  it('resolves parameters from their defaults and mappings with Fn::FindInMap', () => {
    // Prepare
    const subject = resolver({
      Parameters: { Stage: { Type: 'String', Default: 'local' } },
      Mappings: { Sizes: { local: { Shards: 1 } } },
    });

    // Act
    const resolved = subject.resolve(
      { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Shards'] },
      'Stream',
      'ShardCount',
    );

    // Assess
    expect(resolved).toBe(1);
  });

  it('evaluates conditions and drops AWS::NoValue', () => {
    // Prepare
    const subject = resolver({
      Conditions: {
        IsChina: {
          'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'cn-north-1'] }, { 'Fn::Equals': ['a', 'b'] }],
        },
        NotChina: { 'Fn::Not': [{ Condition: 'IsChina' }] },
      },
    });
    const value = {
      Encryption: { 'Fn::If': ['IsChina', { Ref: 'AWS::NoValue' }, { Type: 'KMS' }] },
      Dropped: { 'Fn::If': ['NotChina', { Ref: 'AWS::NoValue' }, 'kept'] },
      List: ['a', { Ref: 'AWS::NoValue' }, 'b'],
    };

    // Act
    const resolved = subject.resolve(value, 'Stream', '');

    // Assess
    expect(resolved).toEqual({ Encryption: { Type: 'KMS' }, List: ['a', 'b'] });
    expect(subject.condition('NotChina')).toBe(true);
  });

  it('leaves IAM-style Condition objects alone', () => {
    // Act
    const resolved = resolver().resolve({ Condition: { StringEquals: { a: 'b' } } }, 'Policy', 'Statement');

    // Assess
    expect(resolved).toEqual({ Condition: { StringEquals: { a: 'b' } } });
  });

  it('keeps empty objects, as a resource without properties has', () => {
    // Act
    const resolved = resolver().resolve({ Tags: {}, Environment: { Variables: {} } }, 'Queue', '');

    // Assess
    expect(resolver().resolve({}, 'Queue', '')).toEqual({});
    expect(resolved).toEqual({ Tags: {}, Environment: { Variables: {} } });
  });

  it.each([
    [
      'an unknown export',
      { 'Fn::ImportValue': 'nope:Export' },
      /Environment.T: Fn::ImportValue "nope:Export"/,
    ],
    ['an unknown resource', { Ref: 'Missing' }, /Ref "Missing": no such resource/],
    [
      'an unknown attribute of a deployed resource',
      { 'Fn::GetAtt': ['Orders', 'Nope'] },
      /has no attribute "Nope" locally/,
    ],
    ['an out-of-range Fn::Select', { 'Fn::Select': [5, ['a']] }, /index 5 is out of range/],
    ['an unsupported intrinsic', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, /Fn::Cidr is not supported/],
    ['a parameter without default', { Ref: 'NoDefault' }, /parameter "NoDefault" has no default/],
  ])('fails clearly on %s, naming stack, resource and property', (_name, value, message) => {
    // Prepare
    const subject = resolver({ Parameters: { NoDefault: { Type: 'String' } } });

    // Act
    const act = () => subject.resolve(value, 'Bridge', 'Environment.T');

    // Assess
    expect(act).toThrow(TemplateError);
    expect(act).toThrow(/^app-stateless\/Bridge\.Environment\.T/);
    expect(act).toThrow(message);
  });

  it('lists the resources a value refers to, through Ref, GetAtt and Sub', () => {
    // Prepare
    const value = {
      a: { Ref: 'Orders' },
      b: { 'Fn::Sub': ['${Cluster.Arn}/${Var}/${AWS::Region}', { Var: 'x' }] },
      c: { Ref: 'AWS::Region' },
    };

    // Act
    const found = resolver().references(value);

    // Assess
    expect([...found].sort()).toEqual(['Cluster', 'Orders']);
  });
});
