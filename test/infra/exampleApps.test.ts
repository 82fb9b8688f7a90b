/**
 * The example apps under examples/ synthesize, and do what their README says: bridges onto the existing
 * resources the example names, nothing stateful created, IAM and security groups on exactly those
 * resources. The example imports the package by name ('streambridge'), resolved to lib/index.ts here.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_RESOURCES } from '../../examples/existing-table-and-msk/existingResources';
import { OrdersBridgeStack } from '../../examples/existing-table-and-msk/OrdersBridgeStack';
import { HANDLER_ENV } from '../../lambdas/core/constants';

const STATEFUL_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Kinesis::Stream',
  'AWS::MSK::Cluster',
  'AWS::MSK::ServerlessCluster',
  'AWS::MSK::Topic',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::SecretsManager::Secret',
];

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** The policy statements that allow `action`. */
function statementsWith(template: Template, action: string): Statement[] {
  return statements(template).filter((statement) => [statement.Action].flat().includes(action));
}

/** Every `Action` of every policy statement whose `Resource` is exactly `resource`. */
function actionsOn(template: Template, resource: unknown): string[] {
  return statements(template)
    .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(resource))
    .flatMap((statement) => statement.Action);
}

describe('examples/existing-table-and-msk', () => {
  const existing = EXAMPLE_RESOURCES;
  let stack: OrdersBridgeStack;
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new OrdersBridgeStack(app, 'orders-bridges', {
      existing,
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    template = Template.fromStack(stack);
  });

  it('creates nothing stateful: the table, cluster, topic, cache, secret and VPC are the existing ones', () => {
    for (const type of STATEFUL_TYPES) template.resourceCountIs(type, 0);
  });

  it('reads the existing stream, and only it', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: existing.table.streamArn,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(actionsOn(template, existing.table.streamArn)).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']),
    );
  });

  it('subscribes the Redis sink to the existing topic on the existing cluster, with IAM on exact ARNs', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: existing.kafka.clusterArn,
      Topics: [existing.kafka.topic],
    });
    expect(actionsOn(template, existing.kafka.clusterArn)).toEqual(
      expect.arrayContaining(['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently']),
    );
    for (const action of ['kafka-cluster:WriteData', 'kafka-cluster:ReadData']) {
      const resources = statementsWith(template, action).map((statement) =>
        JSON.stringify(statement.Resource),
      );
      expect(resources).toHaveLength(1);
      expect(resources[0]).toContain(`/${existing.kafka.topic}`);
      expect(resources[0]).not.toContain('*');
    }
    expect(actionsOn(template, existing.cache.secretArn)).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue']),
    );
  });

  it('gives the functions the resolved brokers and the existing cache endpoint, never a secret value', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [HANDLER_ENV.kafkaBrokers]: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^Brokers'), 'BootstrapBrokerStringSaslIam'],
          },
          [HANDLER_ENV.kafkaAuth]: 'iam',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [HANDLER_ENV.redisHost]: existing.cache.host,
          [HANDLER_ENV.redisPort]: String(existing.cache.port),
          [HANDLER_ENV.redisSecretArn]: existing.cache.secretArn,
        }),
      },
    });
    template.hasResourceProperties('Custom::KafkaBootstrapBrokers', {
      Create: Match.stringLikeRegexp(existing.kafka.clusterArn),
    });
  });

  it("places the functions in the existing VPC's subnets and lets them into the brokers' and cache's security groups on their ports only", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.VpcConfig !== undefined,
    );
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(existing.vpc.privateSubnetIds);
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: existing.kafka.securityGroupId,
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: existing.cache.securityGroupId,
      IpProtocol: 'tcp',
      FromPort: existing.cache.port,
      ToPort: existing.cache.port,
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
  });

  it('passes cdk-nag AwsSolutions', () => {
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;
    expect(violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
