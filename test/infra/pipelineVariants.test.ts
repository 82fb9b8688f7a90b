/**
 * The options of the pipeline config, each asserted on a variant of the reference pipeline: SCRAM instead
 * of IAM, an AUTH token and cluster mode on the cache, event source overrides and filters, data not
 * retained; and a lean pipeline on ElastiCache Serverless. Each variant is synthesized once (cdk-nag runs in
 * the synth: a finding fails it).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/core/constants';
import { HANDLERS } from '../../lib/constants';
import {
  actionsOf,
  type CfnResourceJson,
  functionNamed,
  type PipelineTemplates,
  type PolicyStatementJson,
  resourceList,
  resourcesOf,
  roleStatements,
  synthPipeline,
} from './pipelineTemplates';
import {
  ALARM_SUBSCRIPTIONS,
  CLICK_FILTER,
  LEAN_AVAILABILITY_ZONES,
  LEAN_FAILURE_RECORD_DAYS,
  PIPELINE_VARIANTS,
  SESSIONS_FILTER,
  SHOP_AVAILABILITY_ZONES,
} from './pipelineVariants';

/** A physical name ending in the stack id's tag (`deploymentUniqueName`). */
function STACK_TAGGED(prefix: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        prefix,
        {
          'Fn::Select': [
            0,
            { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
          ],
        },
      ],
    ],
  };
}

function environmentOf(p: PipelineTemplates, handler: string): Record<string, unknown> {
  const [, fn] = functionNamed(p.bridgesTemplate, `${p.config.name}-${handler}`);
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function statementsOf(p: PipelineTemplates, handler: string): PolicyStatementJson[] {
  const [, fn] = functionNamed(p.bridgesTemplate, `${p.config.name}-${handler}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return roleStatements(p.bridgesTemplate, role);
}

function mappingsOf(p: PipelineTemplates, handler: string): CfnResourceJson[] {
  const [fnId] = functionNamed(p.bridgesTemplate, `${p.config.name}-${handler}`);
  return resourcesOf(p.bridgesTemplate, 'AWS::Lambda::EventSourceMapping')
    .map(([, mapping]) => mapping)
    .filter((mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: fnId }));
}

describe('SCRAM, AUTH token, cluster mode, event source overrides, data not retained', () => {
  let p: PipelineTemplates;

  beforeAll(() => {
    p = synthPipeline(PIPELINE_VARIANTS.shop.config, PIPELINE_VARIANTS.shop.options);
  });

  describe('SCRAM', () => {
    it('enables SCRAM instead of IAM on the cluster, listening on the SCRAM port', () => {
      p.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', {
        ClientAuthentication: {
          Sasl: { Scram: { Enabled: true }, Iam: Match.absent() },
          Unauthenticated: { Enabled: false },
        },
      });
      const brokerGroup = p.logicalId(p.data.kafka.securityGroup);
      p.dataTemplate.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [brokerGroup, 'GroupId'] },
        FromPort: 9096,
        ToPort: 9096,
      });
      expect(JSON.stringify(p.dataTemplate.findResources('AWS::EC2::SecurityGroupIngress'))).not.toContain(
        '9098',
      );
    });

    it('keeps the credentials in an AmazonMSK_ secret encrypted with a rotating customer key, associated with the cluster', () => {
      const secret = p.data.kafka.scramSecret;
      const key = p.data.kafka.scramKey;
      if (!secret || !key) throw new Error('no SCRAM secret');
      p.dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: STACK_TAGGED('AmazonMSK_shop-kafka-'),
        KmsKeyId: { 'Fn::GetAtt': [p.logicalId(key), 'Arn'] },
      });
      p.dataTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      p.dataTemplate.hasResourceProperties('AWS::MSK::BatchScramSecret', {
        ClusterArn: { Ref: p.logicalId(p.data.kafka.cluster) },
        SecretArnList: [{ Ref: p.logicalId(secret) }],
      });
    });

    it('hands the secret to the producers and to the Kafka event source mappings', () => {
      const secretRef = { Ref: p.logicalId(p.data.kafka.scramSecret as never) };
      const brokers = p.logicalId(p.data.kafka.bootstrapBrokers.resource.node.defaultChild as never);
      for (const handler of [HANDLERS.ddbStreamToKafka, HANDLERS.kinesisToKafka]) {
        const env = environmentOf(p, handler);
        expect(env[HANDLER_ENV.kafkaAuth]).toBe('scram');
        expect(p.imported(env[HANDLER_ENV.kafkaScramSecretArn])).toEqual(secretRef);
        expect(p.imported(env[HANDLER_ENV.kafkaBrokers])).toEqual({
          'Fn::GetAtt': [brokers, 'BootstrapBrokerStringSaslScram'],
        });
      }
      for (const handler of [HANDLERS.kafkaToRedis, HANDLERS.kafkaToDynamodb]) {
        for (const mapping of mappingsOf(p, handler)) {
          const access = mapping.Properties.SourceAccessConfigurations as { Type: string; URI: unknown }[];
          expect(access.map((a) => [a.Type, p.imported(a.URI)])).toEqual([
            ['SASL_SCRAM_512_AUTH', secretRef],
          ]);
        }
      }
    });

    it('grants reading and decrypting that secret, and no kafka-cluster data-plane action', () => {
      const secretRef = { Ref: p.logicalId(p.data.kafka.scramSecret as never) };
      const keyArn = { 'Fn::GetAtt': [p.logicalId(p.data.kafka.scramKey as never), 'Arn'] };
      for (const handler of Object.values(HANDLERS)) {
        const statements = statementsOf(p, handler);
        const on = (action: string) =>
          statements
            .filter((s) => actionsOf(s).includes(action))
            .flatMap(resourceList)
            .map(p.imported);
        expect(on('secretsmanager:GetSecretValue')).toContainEqual(secretRef);
        expect(on('kms:Decrypt')).toContainEqual(keyArn);
        expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('kafka-cluster:'))).toEqual([]);
      }
    });
  });

  describe('cache with an AUTH token in cluster mode', () => {
    it('authenticates with a token resolved from Secrets Manager, without RBAC users', () => {
      const secret = p.logicalId(p.data.cache?.secret as never);
      p.dataTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        AuthToken: {
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secret }, ':SecretString:password::}}']],
        },
        UserGroupIds: Match.absent(),
      });
      p.dataTemplate.resourceCountIs('AWS::ElastiCache::User', 0);
      p.dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'password' }),
      });
    });

    it('shards the cache and points the sink at the configuration endpoint in cluster mode', () => {
      const group = p.logicalId(p.data.cache?.replicationGroup as never);
      p.dataTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        NumNodeGroups: 2,
        ReplicasPerNodeGroup: 1,
        CacheParameterGroupName: 'default.valkey8.cluster.on',
        NumCacheClusters: Match.absent(),
      });
      const env = environmentOf(p, HANDLERS.kafkaToRedis);
      expect(p.imported(env[HANDLER_ENV.redisHost])).toEqual({
        'Fn::GetAtt': [group, 'ConfigurationEndPoint.Address'],
      });
      expect(env[HANDLER_ENV.redisClusterMode]).toBe('true');
    });

    it('alarms on CPU and memory of every node of every shard', () => {
      const alarms = resourcesOf(p.bridgesTemplate, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      expect(alarms.filter((a) => a.MetricName === 'EngineCPUUtilization')).toHaveLength(4);
      expect(alarms.filter((a) => a.MetricName === 'DatabaseMemoryUsagePercentage')).toHaveLength(4);
    });
  });

  it('places the subnets in the configured AZ ids', () => {
    const subnets = resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties);
    expect(subnets.map((subnet) => [subnet.AvailabilityZoneId, subnet.AvailabilityZone])).toEqual(
      SHOP_AVAILABILITY_ZONES.map((zone) => [zone, undefined]),
    );
    expect(p.dataTemplate.toJSON().Mappings).toBeUndefined();
  });

  describe('alarm subscriptions', () => {
    it('subscribes each configured endpoint to the alarm topic with its protocol', () => {
      const topic = { Ref: resourcesOf(p.bridgesTemplate, 'AWS::SNS::Topic')[0]?.[0] };
      const subscriptions = resourcesOf(p.bridgesTemplate, 'AWS::SNS::Subscription').map(
        ([, s]) => s.Properties,
      );
      expect(subscriptions).toEqual(
        ALARM_SUBSCRIPTIONS.map(({ protocol, endpoint }) => ({
          Protocol: protocol,
          Endpoint: endpoint,
          TopicArn: topic,
        })),
      );
    });

    it('lets the alarm topic, and only it, invoke the subscribed function', () => {
      const topic = { Ref: resourcesOf(p.bridgesTemplate, 'AWS::SNS::Topic')[0]?.[0] };
      const lambda = ALARM_SUBSCRIPTIONS.find((s) => s.protocol === 'lambda');
      // The sessions mapping's schedule rule has its own permission, pinned in sessionsSink.test.ts.
      const permissions = resourcesOf(p.bridgesTemplate, 'AWS::Lambda::Permission').filter(
        ([, r]) => r.Properties.Principal !== 'events.amazonaws.com',
      );
      expect(permissions.map(([, r]) => r.Properties)).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: lambda?.endpoint,
          Principal: 'sns.amazonaws.com',
          SourceArn: topic,
        },
      ]);
    });
  });

  describe('event source settings from the config', () => {
    it('merges a source override over the defaults and passes its filters', () => {
      const sessions = p.data.sources.get('sb-sessions')?.table;
      const stream = { 'Fn::GetAtt': [p.logicalId(sessions as never), 'StreamArn'] };
      const mapping = mappingsOf(p, HANDLERS.ddbStreamToKafka).find(
        (m) => JSON.stringify(p.imported(m.Properties.EventSourceArn)) === JSON.stringify(stream),
      );
      expect(mapping?.Properties).toMatchObject({
        BatchSize: 500,
        MaximumRetryAttempts: 2,
        MaximumRecordAgeInSeconds: 120,
        ParallelizationFactor: 4,
        BisectBatchOnFunctionError: false,
        StartingPosition: 'LATEST',
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(SESSIONS_FILTER) }] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const others = mappingsOf(p, HANDLERS.ddbStreamToKafka).filter((m) => m !== mapping);
      for (const other of others) {
        expect(other.Properties).toMatchObject({
          MaximumRetryAttempts: 1000,
          StartingPosition: 'TRIM_HORIZON',
        });
        expect(other.Properties.FilterCriteria).toBeUndefined();
      }
    });

    it('applies a sink override and its filters to every topic of the sink', () => {
      const mappings = mappingsOf(p, HANDLERS.kafkaToRedis);
      expect(mappings.length).toBeGreaterThan(1);
      for (const mapping of mappings) {
        expect(mapping.Properties).toMatchObject({
          BatchSize: 100,
          MaximumRetryAttempts: 1000,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(CLICK_FILTER) }] },
        });
      }
    });
  });

  describe('data not retained', () => {
    it('deletes every data resource with the stack and drops deletion protection', () => {
      const resources = Object.values(p.dataTemplate.toJSON().Resources as Record<string, CfnResourceJson>);
      for (const resource of resources) expect(resource.DeletionPolicy).toBe('Delete');
      for (const [, table] of resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table')) {
        expect(table.Properties.DeletionProtectionEnabled).toBe(false);
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
        });
      }
    });
  });
});

describe('a lean pipeline on ElastiCache Serverless', () => {
  let p: PipelineTemplates;

  beforeAll(() => {
    p = synthPipeline(PIPELINE_VARIANTS.lean.config);
  });

  it('places one subnet in each configured AZ and spreads three brokers over them', () => {
    const subnets = resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties);
    expect(subnets.map((subnet) => [subnet.AvailabilityZone, subnet.AvailabilityZoneId])).toEqual(
      LEAN_AVAILABILITY_ZONES.map((zone) => [zone, undefined]),
    );
    p.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', {
      NumberOfBrokerNodes: 3,
      BrokerNodeGroupInfo: Match.objectLike({
        ClientSubnets: subnets.map((_, i) =>
          Match.objectLike({ Ref: Match.stringLikeRegexp(`Subnet${i + 1}`) }),
        ),
      }),
    });
  });

  it('creates a serverless Valkey cache behind the RBAC user group, in the isolated subnets', () => {
    p.dataTemplate.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 0);
    p.dataTemplate.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      MajorEngineVersion: '8',
      ServerlessCacheName: STACK_TAGGED('lean-cache-'),
      UserGroupId: { Ref: p.logicalId(p.data.cache?.userGroup as never) },
      SecurityGroupIds: [{ 'Fn::GetAtt': [p.logicalId(p.data.cache?.securityGroup as never), 'GroupId'] }],
      SubnetIds: resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id })),
    });
  });

  it('points the sink at the serverless endpoint, as a cluster', () => {
    const cache = p.logicalId(p.data.cache?.serverlessCache as never);
    const env = environmentOf(p, HANDLERS.kafkaToRedis);
    expect(p.imported(env[HANDLER_ENV.redisHost])).toEqual({ 'Fn::GetAtt': [cache, 'Endpoint.Address'] });
    expect(p.imported(env[HANDLER_ENV.redisPort])).toEqual({ 'Fn::GetAtt': [cache, 'Endpoint.Port'] });
    expect(env[HANDLER_ENV.redisClusterMode]).toBe('true');
  });

  it('alarms on throttled commands of the serverless cache', () => {
    const alarms = resourcesOf(p.bridgesTemplate, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.MetricName === 'ThrottledCmds',
    );
    expect(alarms).toHaveLength(1);
    const [, alarm] = alarms[0] as [string, CfnResourceJson];
    const [dimension] = alarm.Properties.Dimensions as { Name: string; Value: unknown }[];
    expect(dimension?.Name).toBe('clusterId');
    expect(p.imported(dimension?.Value)).toEqual({
      Ref: p.logicalId(p.data.cache?.serverlessCache as never),
    });
  });

  it('deploys only the bridges, queues, endpoints and secrets the config uses', () => {
    const names = resourcesOf(p.bridgesTemplate, 'AWS::Lambda::Function').map(
      ([, fn]) => fn.Properties.FunctionName,
    );
    expect(names.sort()).toEqual(['lean-ddb-stream-to-kafka', 'lean-kafka-to-redis']);
    p.dataTemplate.resourceCountIs('AWS::SQS::Queue', 2);
    p.dataTemplate.resourceCountIs('AWS::S3::Bucket', 1);
    p.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: LEAN_FAILURE_RECORD_DAYS })] },
    });
    p.dataTemplate.resourceCountIs('AWS::Kinesis::Stream', 0);
    // No DynamoDB sink: nothing in the VPC calls DynamoDB, so no gateway endpoint either.
    const services = resourcesOf(p.dataTemplate, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) =>
      JSON.stringify(endpoint.Properties.ServiceName),
    );
    expect(services.filter((service) => service.includes('dynamodb'))).toEqual([]);
    // Four interface endpoints, and the S3 gateway the MSK pollers write failure records through.
    expect(services).toHaveLength(5);
    expect(services.filter((service) => service.includes('.s3'))).toHaveLength(1);
    expect(
      environmentOf(p, HANDLERS.ddbStreamToKafka)[HANDLER_ENV.governanceHashSaltSecretArn],
    ).toBeUndefined();
    // The cache secret only: no governance salt, no SCRAM secret.
    p.dataTemplate.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });
});

describe('MSK Serverless', () => {
  let p: PipelineTemplates;

  beforeAll(() => {
    p = synthPipeline(PIPELINE_VARIANTS.svl.config);
  });

  it('creates a serverless cluster with IAM auth in the isolated subnets behind the broker security group', () => {
    p.dataTemplate.resourceCountIs('AWS::MSK::Cluster', 0);
    p.dataTemplate.hasResourceProperties('AWS::MSK::ServerlessCluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      VpcConfigs: [
        {
          SubnetIds: resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id })),
          SecurityGroups: [{ 'Fn::GetAtt': [p.logicalId(p.data.kafka.securityGroup), 'GroupId'] }],
        },
      ],
    });
  });

  it('declares every topic as a Custom::KafkaTopic served by the provisioner, replicated 3 times', () => {
    p.dataTemplate.resourceCountIs('AWS::MSK::Topic', 0);
    const topics = resourcesOf(p.dataTemplate, 'Custom::KafkaTopic');
    expect(topics.map(([, t]) => t.Properties.TopicName).sort()).toEqual(
      p.config.topics.map((t) => t.name).sort(),
    );
    const products = topics.find(([, t]) => t.Properties.TopicName === 'products.changes')?.[1];
    expect(products?.Properties).toMatchObject({
      PartitionCount: 3,
      ReplicationFactor: 3,
      Configs: { 'cleanup.policy': 'compact' },
      ServiceTimeout: '360',
    });
    expect(products?.DeletionPolicy).toBe('Retain');
    const [fnId, fn] = resourcesOf(p.dataTemplate, 'AWS::Lambda::Function').find(([, f]) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes(HANDLER_ENV.kafkaBrokers),
    ) as [string, CfnResourceJson];
    expect(products?.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 300 });
    const brokers = p.logicalId(p.data.kafka.bootstrapBrokers.resource.node.defaultChild as never);
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        [HANDLER_ENV.kafkaBrokers]: { 'Fn::GetAtt': [brokers, 'BootstrapBrokerStringSaslIam'] },
        [HANDLER_ENV.kafkaAuth]: 'iam',
      },
    });
  });

  it('lets the provisioner manage exactly the config topics', () => {
    const statements = resourcesOf(p.dataTemplate, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
    const create = statements.filter((s) => actionsOf(s).includes('kafka-cluster:CreateTopic'));
    expect(create).toHaveLength(1);
    const topics = resourceList(create[0] as PolicyStatementJson).map(
      (r) => (JSON.stringify(r).match(/"\/([^"/]+)"\]\]\}$/) as RegExpMatchArray)[1],
    );
    expect(topics.sort()).toEqual(p.config.topics.map((t) => t.name).sort());
  });

  it('reaches S3 (CloudFormation responses) from the VPC, and not the MSK API', () => {
    const endpoints = JSON.stringify(p.dataTemplate.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints).toContain('.s3"');
    expect(endpoints).not.toContain('.kafka');
  });

  it("lets the S3 gateway reach the region's CloudFormation response bucket, besides the account's own resources", () => {
    const s3 = resourcesOf(p.dataTemplate, 'AWS::EC2::VPCEndpoint').filter(([, endpoint]) =>
      JSON.stringify(endpoint.Properties.ServiceName).includes('.s3"'),
    );
    expect(s3).toHaveLength(1);
    const [, endpoint] = s3[0] as [string, CfnResourceJson];
    const statements = (endpoint.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement;
    expect(statements.map((statement) => (statement as { Sid?: string }).Sid)).toEqual([
      'OwnAccountPrincipalsToOwnAccountResources',
      'AwsServicePrincipals',
      'CloudFormationCustomResourceResponses',
    ]);
    expect(statements[2]).toMatchObject({
      Action: 's3:PutObject',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':s3:::cloudformation-custom-resource-response-',
            { 'Fn::Join': ['', { 'Fn::Split': ['-', { Ref: 'AWS::Region' }] }] },
            '/*',
          ],
        ],
      },
    });
  });

  it('has no broker to alarm on or storage to scale', () => {
    p.dataTemplate.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(JSON.stringify(p.bridgesTemplate.findResources('AWS::CloudWatch::Alarm'))).not.toContain(
      'AWS/Kafka',
    );
  });

  it('points the bridges at the serverless cluster', () => {
    const env = environmentOf(p, HANDLERS.ddbStreamToKafka);
    const brokers = p.logicalId(p.data.kafka.bootstrapBrokers.resource.node.defaultChild as never);
    expect(p.imported(env[HANDLER_ENV.kafkaBrokers])).toEqual({
      'Fn::GetAtt': [brokers, 'BootstrapBrokerStringSaslIam'],
    });
    p.dataTemplate.hasResourceProperties('Custom::KafkaBootstrapBrokers', {
      Create: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [p.logicalId(p.data.kafka.cluster), 'Arn'] }])],
      }),
    });
    for (const mapping of mappingsOf(p, HANDLERS.kafkaToRedis)) {
      expect(p.imported(mapping.Properties.EventSourceArn)).toEqual({
        'Fn::GetAtt': [p.logicalId(p.data.kafka.cluster), 'Arn'],
      });
    }
  });
});
