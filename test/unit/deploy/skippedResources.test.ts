import { describe, expect, it } from 'vitest';
import { placeholderValues, skipReason } from '../../../local/deploy/skippedResources';
import { testEndpoints } from './deployFactories';

function site(type: string, properties: Record<string, unknown> = {}) {
  return {
    type,
    logicalId: 'Thing',
    region: 'us-east-1',
    accountId: '123456789012',
    endpoints: testEndpoints,
    property: (name: string) => properties[name],
  };
}

describe('skipReason', () => {
  it.each([
    ['AWS::EC2::SecurityGroup', /networking has no local meaning/],
    ['AWS::EC2::VPCEndpoint', /networking has no local meaning/],
    ['AWS::IAM::Role', /IAM is not enforced/],
    ['AWS::KMS::Key', /encryption at rest/],
    ['AWS::CloudWatch::Dashboard', /alarms and dashboards/],
    ['AWS::Logs::LogGroup', /function logs/],
    ['AWS::SecretsManager::Secret', /need no credentials/],
    ['AWS::MSK::Cluster', /mapped to the local Kafka broker/],
    ['AWS::ElastiCache::ReplicationGroup', /mapped to the local redis-server/],
    ['Custom::AWS', /custom resources run only inside CloudFormation/],
    ['AWS::Glue::Table', /no local stand-in for AWS::Glue::Table/],
  ])('gives a reason for %s', (type, reason) => {
    expect(skipReason(type)).toMatch(reason);
  });
});

describe('placeholderValues', () => {
  it('stands the MSK cluster in with a cluster ARN named after it', () => {
    expect(placeholderValues(site('AWS::MSK::Cluster', { ClusterName: 'msk' })).ref).toBe(
      'arn:aws:kafka:us-east-1:123456789012:cluster/msk/local',
    );
  });

  it('answers ElastiCache endpoint attributes with the local redis-server', () => {
    // Act
    const values = placeholderValues(site('AWS::ElastiCache::ReplicationGroup'));

    // Assess
    expect(values.attributes['PrimaryEndPoint.Address']).toBe('127.0.0.1');
    expect(values.attributes['PrimaryEndPoint.Port']).toBe('16379');
    expect(values.attributes['ReaderEndPoint.Port']).toBe('16379');
  });

  it('resolves a Lambda alias to its function qualified by the alias name', () => {
    expect(placeholderValues(site('AWS::Lambda::Alias', { FunctionName: 'bridge', Name: 'live' })).ref).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:bridge:live',
    );
  });

  it('answers any attribute of other skipped resources with a placeholder', () => {
    // Act
    const values = placeholderValues(site('AWS::SNS::Topic'));

    // Assess
    expect(values.ref).toBe('arn:aws:sns:us-east-1:123456789012:Thing-local');
    expect(values.placeholderAttributes).toBe(true);
  });
});
