/**
 * Template assertions on the reference pipeline (`streambridge.config.ts`): one test per default that
 * matters. The app is synthesized once; each test reads the templates.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { changeBridgeSlice } from '../../config/handlerSlices';
import { HANDLER_ENV } from '../../lambdas/core/constants';
import { HANDLERS } from '../../lib/constants';
import referenceConfig from '../../streambridge.config';
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

/** Actions that have no resource-level scoping in IAM; the only ones allowed on `Resource: "*"`. */
const UNSCOPABLE_ACTIONS = new Set([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'dynamodb:ListStreams',
]);

const NAME = referenceConfig.name;
const fnName = (handler: string) => `${NAME}-${handler}`;

let p: PipelineTemplates;

beforeAll(() => {
  p = synthPipeline(referenceConfig);
});

function roleOf(handler: string): string {
  const [, fn] = functionNamed(p.bridgesTemplate, fnName(handler));
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function statementsOf(handler: string): PolicyStatementJson[] {
  return roleStatements(p.bridgesTemplate, roleOf(handler));
}

function statementsWith(handler: string, action: string): PolicyStatementJson[] {
  return statementsOf(handler).filter((statement) => actionsOf(statement).includes(action));
}

function environmentOf(handler: string): Record<string, unknown> {
  const [, fn] = functionNamed(p.bridgesTemplate, fnName(handler));
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function queueRef(handler: string): string {
  const queues = p.data.queues.get(handler as never);
  if (!queues) throw new Error(`no queues for ${handler}`);
  return p.logicalId(queues.deadLetters);
}

function mappingsOf(handler: string): CfnResourceJson[] {
  const [fnId] = functionNamed(p.bridgesTemplate, fnName(handler));
  return resourcesOf(p.bridgesTemplate, 'AWS::Lambda::EventSourceMapping')
    .map(([, mapping]) => mapping)
    .filter((mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: fnId }));
}

describe('network', () => {
  it('has no NAT gateway, internet gateway or public subnet', () => {
    p.dataTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    p.dataTemplate.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const subnets = resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(2);
    for (const [, subnet] of subnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  it('places the subnets in two AZ ids MSK accepts, picked for the region at deploy time', () => {
    const zones = resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties);
    expect(zones.map((zone) => zone.AvailabilityZone)).toEqual([undefined, undefined]);
    expect(zones.map((zone) => zone.AvailabilityZoneId)).toEqual([
      { 'Fn::FindInMap': ['MskAvailabilityZoneIds', { Ref: 'AWS::Region' }, 'first'] },
      { 'Fn::FindInMap': ['MskAvailabilityZoneIds', { Ref: 'AWS::Region' }, 'second'] },
    ]);
    const mapping = p.dataTemplate.toJSON().Mappings.MskAvailabilityZoneIds as Record<
      string,
      { first: string; second: string }
    >;
    expect(mapping['us-east-1']).toEqual({ first: 'use1-az1', second: 'use1-az2' });
    for (const [region, { first, second }] of Object.entries(mapping)) {
      // AZ ids start with the region's short code (eu-west-1 → euw1); two distinct AZs per region.
      const code = region.replace(
        /^([a-z]{2})-([a-z]+)-(\d)$/,
        (_, a, b, n) =>
          `${a}${b.replace(/(north|south|east|west|central)/g, (d: string) => d[0] as string)}${n}`,
      );
      expect([first.split('-az')[0], second.split('-az')[0]], region).toEqual([code, code]);
      expect(first, region).not.toBe(second);
    }
    // AZs MSK refuses, or that newer accounts do not have.
    expect(JSON.stringify(mapping)).not.toMatch(/use1-az3|usw1-az2|apne1-az3|cac1-az3/);
  });

  it('logs rejected traffic of the VPC', () => {
    p.dataTemplate.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('reaches DynamoDB through a gateway endpoint and the other APIs through private interface endpoints', () => {
    p.dataTemplate.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.dynamodb'])] }),
    });
    const interfaces = resourcesOf(p.dataTemplate, 'AWS::EC2::VPCEndpoint').filter(
      ([, endpoint]) => endpoint.Properties.VpcEndpointType === 'Interface',
    );
    const services = interfaces.map(
      ([, endpoint]) =>
        (endpoint.Properties.ServiceName as { 'Fn::Join': [string, string[]] })['Fn::Join'][1][2] as string,
    );
    // Only what code in the VPC calls: dead letters, secrets, and Lambda's MSK pollers (Lambda, STS). No
    // Kinesis, CloudWatch or Logs (carried by the Lambda service), no MSK API (brokers resolved at deploy time).
    expect(services.sort()).toEqual(['.lambda', '.secretsmanager', '.sqs', '.sts']);
    const endpointGroup = p.logicalId(p.data.network.endpointSecurityGroup);
    for (const [, endpoint] of interfaces) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
      expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointGroup, 'GroupId'] }]);
    }
  });

  it('limits every VPC endpoint to requests of the account to its own resources (and AWS services)', () => {
    const endpoints = resourcesOf(p.dataTemplate, 'AWS::EC2::VPCEndpoint');
    // Five, and the S3 gateway the MSK pollers write failure records through (checked below).
    expect(endpoints).toHaveLength(6);
    const isS3 = (endpoint: CfnResourceJson) =>
      JSON.stringify(endpoint.Properties.ServiceName).includes('.s3');
    for (const [id, endpoint] of endpoints.filter(([, e]) => !isS3(e))) {
      expect({ id, policy: endpoint.Properties.PolicyDocument }).toEqual({
        id,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OwnAccountPrincipalsToOwnAccountResources',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: '*',
              Resource: '*',
              Condition: {
                StringEquals: {
                  'aws:PrincipalAccount': { Ref: 'AWS::AccountId' },
                  'aws:ResourceAccount': { Ref: 'AWS::AccountId' },
                },
              },
            },
            {
              Sid: 'AwsServicePrincipals',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: '*',
              Resource: '*',
              Condition: { Bool: { 'aws:PrincipalIsAWSService': 'true' } },
            },
          ],
        },
      });
    }
    const gateway = endpoints.find(([, e]) => isS3(e))?.[1].Properties.PolicyDocument as {
      Statement: { Sid: string }[];
    };
    // The S3 gateway adds only the CloudFormation response bucket of the region.
    expect(gateway.Statement.map((statement) => statement.Sid)).toEqual([
      'OwnAccountPrincipalsToOwnAccountResources',
      'AwsServicePrincipals',
      'CloudFormationCustomResourceResponses',
    ]);
  });

  it('strips every rule from the default security group', () => {
    const [[, restrict], ...others] = resourcesOf(p.dataTemplate, 'Custom::VpcRestrictDefaultSG');
    expect(others).toEqual([]);
    expect(restrict?.Properties.DefaultSecurityGroupId).toEqual({
      'Fn::GetAtt': [p.logicalId(p.data.network.vpc), 'DefaultSecurityGroup'],
    });
  });

  it('admits only the bridge functions (and the MSK pollers) on the broker and cache ports', () => {
    const functionGroup = p.logicalId(p.data.network.functionSecurityGroup);
    const brokerGroup = p.logicalId(p.data.kafka.securityGroup);
    const cacheGroup = p.logicalId(p.data.cache?.securityGroup as never);
    const ingress = resourcesOf(p.dataTemplate, 'AWS::EC2::SecurityGroupIngress').map(
      ([, rule]) => rule.Properties,
    );
    const into = (group: string) =>
      ingress.filter(
        (rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ 'Fn::GetAtt': [group, 'GroupId'] }),
      );
    const sources = (group: string) =>
      into(group).map((rule) => [
        (rule.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
        rule.FromPort,
        rule.ToPort,
      ]);
    expect(sources(brokerGroup).sort()).toEqual(
      [
        [functionGroup, 9098, 9098],
        [brokerGroup, 9098, 9098],
      ].sort(),
    );
    expect(sources(cacheGroup)).toEqual([[functionGroup, 6379, 6379]]);
  });

  it('opens no security group to the internet', () => {
    const inline = resourcesOf(p.dataTemplate, 'AWS::EC2::SecurityGroup').flatMap(
      ([, group]) => (group.Properties.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? [],
    );
    const standalone = resourcesOf(p.dataTemplate, 'AWS::EC2::SecurityGroupIngress').map(
      ([, rule]) => rule.Properties,
    );
    for (const rule of [...inline, ...standalone]) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
    }
  });

  it('places every bridge function in the isolated subnets with the function security group', () => {
    const isolated = resourcesOf(p.dataTemplate, 'AWS::EC2::Subnet').map(([id]) => ({ Ref: id }));
    const functionGroup = { 'Fn::GetAtt': [p.logicalId(p.data.network.functionSecurityGroup), 'GroupId'] };
    for (const handler of Object.values(HANDLERS)) {
      const [, fn] = functionNamed(p.bridgesTemplate, fnName(handler));
      const vpc = fn.Properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(vpc.SubnetIds.map(p.imported)).toEqual(isolated);
      expect(vpc.SecurityGroupIds.map(p.imported)).toEqual([functionGroup]);
    }
  });
});

describe('tables and streams', () => {
  function tableNamed(name: string): CfnResourceJson {
    const found = resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table').find(
      ([, t]) => t.Properties.TableName === name,
    );
    if (!found) throw new Error(`no table ${name}`);
    return found[1];
  }

  it('names every source and sink table after the config', () => {
    const names = resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table').map(([, t]) => t.Properties.TableName);
    expect(names.sort()).toEqual(
      [
        ...referenceConfig.sources.map((s) => s.name),
        ...(referenceConfig.sinks.dynamodb?.tables ?? []).map((t) => t.name),
      ].sort(),
    );
  });

  it('makes every table on-demand, point-in-time recoverable, KMS-encrypted and deletion-protected', () => {
    for (const [, table] of resourcesOf(p.dataTemplate, 'AWS::DynamoDB::Table')) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });

  it('streams both images of every source table and enables TTL where configured', () => {
    for (const source of referenceConfig.sources) {
      const table = tableNamed(source.name);
      expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
      expect(table.Properties.TimeToLiveSpecification).toEqual(
        source.ttlAttribute ? { AttributeName: source.ttlAttribute, Enabled: true } : undefined,
      );
    }
  });

  it('keys each table as configured', () => {
    const telemetry = tableNamed('sb-telemetry');
    expect(telemetry.Properties.KeySchema).toEqual([
      { AttributeName: 'deviceId', KeyType: 'HASH' },
      { AttributeName: 'ts', KeyType: 'RANGE' },
    ]);
    expect(telemetry.Properties.AttributeDefinitions).toEqual([
      { AttributeName: 'deviceId', AttributeType: 'S' },
      { AttributeName: 'ts', AttributeType: 'N' },
    ]);
    const series = tableNamed('sb-telemetry-series');
    expect(series.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(series.Properties.StreamSpecification).toBeUndefined();
  });

  it('sends the changes of a via-kinesis source to an encrypted Kinesis stream with millisecond timestamps', () => {
    const stream = p.data.sources.get('sb-telemetry')?.kinesisStream;
    if (!stream) throw new Error('no Kinesis stream for sb-telemetry');
    expect(tableNamed('sb-telemetry').Properties.KinesisStreamSpecification).toEqual({
      StreamArn: { 'Fn::GetAtt': [p.logicalId(stream), 'Arn'] },
      ApproximateCreationDateTimePrecision: 'MILLISECOND',
    });
    expect(tableNamed('sb-sessions').Properties.KinesisStreamSpecification).toBeUndefined();
    p.dataTemplate.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      RetentionPeriodHours: 24,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });
});

describe('MSK', () => {
  it('authenticates clients with IAM over TLS only, and encrypts between brokers', () => {
    p.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
    });
  });

  it('sizes the cluster from the config and logs its brokers', () => {
    p.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', {
      KafkaVersion: '3.8.x',
      NumberOfBrokerNodes: 2,
      BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.t3.small' }),
      LoggingInfo: { BrokerLogs: { CloudWatchLogs: Match.objectLike({ Enabled: true }) } },
    });
  });

  it('grows broker storage with use, from the configured size up to five times it, never shrinking it', () => {
    p.dataTemplate.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'kafka',
      ScalableDimension: 'kafka:broker-storage:VolumeSize',
      ResourceId: { Ref: p.logicalId(p.data.kafka.cluster) },
      MinCapacity: 20,
      MaxCapacity: 100,
      RoleARN: Match.absent(),
    });
    p.dataTemplate.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: p.logicalId(p.data.kafka.storageScaling as never) },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'KafkaBrokerStorageUtilization' },
        TargetValue: 60,
        DisableScaleIn: true,
      },
    });
  });

  it('declares every config topic as AWS::MSK::Topic with partitions, replication and configs', () => {
    const topics = resourcesOf(p.dataTemplate, 'AWS::MSK::Topic');
    expect(topics).toHaveLength(referenceConfig.topics.length);
    const clusterRef = { Ref: p.logicalId(p.data.kafka.cluster) };
    for (const topic of referenceConfig.topics) {
      const found = topics.find(([, t]) => t.Properties.TopicName === topic.name);
      if (!found) throw new Error(`no topic ${topic.name}`);
      const props = found[1].Properties;
      expect(props.ClusterArn).toEqual(clusterRef);
      expect(props.PartitionCount).toBe(topic.partitions);
      expect(props.ReplicationFactor).toBe(2);
      const configs = JSON.parse(Buffer.from(props.Configs as string, 'base64').toString('utf8'));
      expect(configs).toEqual({
        ...(topic.cleanupPolicy ? { 'cleanup.policy': topic.cleanupPolicy } : {}),
        ...(topic.retentionMs !== undefined ? { 'retention.ms': String(topic.retentionMs) } : {}),
      });
    }
  });
});

describe('cache', () => {
  it('runs Valkey with a replica, automatic failover across AZs, TLS required and encryption at rest', () => {
    p.dataTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      AuthToken: Match.absent(),
    });
  });

  it('authenticates with an RBAC user group whose only enabled user has a generated password', () => {
    const group = p.data.cache?.userGroup;
    if (!group) throw new Error('no user group');
    p.dataTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      UserGroupIds: [{ Ref: p.logicalId(group) }],
    });
    const users = resourcesOf(p.dataTemplate, 'AWS::ElastiCache::User').map(([, u]) => u.Properties);
    expect(users.find((u) => u.UserName === 'default')).toMatchObject({ AccessString: 'off -@all' });
    const app = users.find((u) => u.UserName === 'streambridge');
    const secret = p.logicalId(p.data.cache?.secret as never);
    expect(JSON.stringify(app?.AuthenticationMode)).toContain(`{{resolve:secretsmanager:`);
    expect(JSON.stringify(app?.AuthenticationMode)).toContain(secret);
    // The sink's own keys, then the literal start of each mapping's key template; no other key.
    expect(app?.AccessString).toBe(
      'on ~sb:wm:* ~sb:ver:* ~sb:seen:* ~sb:refused:* ~sb:thr:* ~sb:dl:* ~sb:owed:* ~session:* ~views:* ~top-products:* ~visitors:* ~product:* ~device:* +@all -@dangerous +info +cluster',
    );
  });
});

describe('failure queues', () => {
  it('gives each bridge a dead-letter queue, SQS-encrypted (failed batches go to S3, not to a queue)', () => {
    const queues = resourcesOf(p.dataTemplate, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('refuses every request to a queue that is not over TLS', () => {
    for (const [id] of resourcesOf(p.dataTemplate, 'AWS::SQS::Queue')) {
      p.dataTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });
});

describe('failure records', () => {
  const bucketId = () => p.logicalId(p.data.failureRecords.bucket);

  it('keep one bucket per pipeline: S3-managed encryption, no public access, bucket-owner objects, expiring after 90 days', () => {
    const buckets = resourcesOf(p.dataTemplate, 'AWS::S3::Bucket');
    expect(buckets.map(([id]) => id)).toEqual([bucketId()]);
    expect(buckets[0]?.[1].Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-failure-records',
            ExpirationInDays: 90,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
    expect(buckets[0]?.[1].Properties.VersioningConfiguration).toBeUndefined();
  });

  it('refuse every request that is not over TLS', () => {
    p.dataTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('give each function exactly s3:PutObject and s3:ListBucket on that bucket, in this account only', () => {
    const arn = { 'Fn::GetAtt': [bucketId(), 'Arn'] };
    for (const handler of Object.values(HANDLERS)) {
      const statements = statementsOf(handler).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      expect(statements).toHaveLength(1);
      const [statement] = statements as [PolicyStatementJson];
      expect(actionsOf(statement).sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
      const resolve = (r: unknown): unknown => {
        const join = (r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
        if (join) return { 'Fn::Join': [join[0], join[1].map(resolve)] };
        return typeof r === 'string' ? r : p.imported(r);
      };
      const resources = resourceList(statement).map((r) => JSON.stringify(resolve(r)));
      expect(resources.sort()).toEqual(
        [JSON.stringify(arn), JSON.stringify({ 'Fn::Join': ['', [arn, '/*']] })].sort(),
      );
      expect(statement.Condition).toEqual({
        StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } },
      });
    }
  });

  it('alarm once S3 counts an object in the bucket, and reach S3 from the VPC of the MSK pollers', () => {
    const alarm = resourcesOf(p.bridgesTemplate, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === 'NumberOfObjects');
    expect(alarm).toMatchObject({ Namespace: 'AWS/S3', Threshold: 1, Period: 86_400 });
    const endpoints = resourcesOf(p.dataTemplate, 'AWS::EC2::VPCEndpoint').map(([, e]) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    expect(endpoints.some((name) => name.includes('.s3'))).toBe(true);
  });
});

describe('bridge functions', () => {
  it('run the bundled handlers on Node.js 22 and arm64, logging to a log group kept 30 days', () => {
    for (const handler of Object.values(HANDLERS)) {
      const [, fn] = functionNamed(p.bridgesTemplate, fnName(handler));
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      p.bridgesTemplate.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/lambda/${fnName(handler)}`, RetentionInDays: 30 },
      });
      expect(logGroup).toBeDefined();
    }
  });

  it('set exactly the HANDLER_ENV variables each handler reads', () => {
    const kafka = [HANDLER_ENV.kafkaBrokers, HANDLER_ENV.kafkaAuth, HANDLER_ENV.kafkaCompression];
    const base = [HANDLER_ENV.config, HANDLER_ENV.deadLetterQueueUrl, 'NODE_OPTIONS'];
    expect(Object.keys(environmentOf(HANDLERS.ddbStreamToKafka)).sort()).toEqual(
      [...base, ...kafka, HANDLER_ENV.governanceHashSaltSecretArn].sort(),
    );
    expect(Object.keys(environmentOf(HANDLERS.kinesisToKafka)).sort()).toEqual([...base, ...kafka].sort());
    // The reference Redis sink has a threshold mapping: it produces alerts, so it gets the producer settings.
    expect(Object.keys(environmentOf(HANDLERS.kafkaToRedis)).sort()).toEqual(
      [
        ...base,
        ...kafka,
        HANDLER_ENV.redisHost,
        HANDLER_ENV.redisPort,
        HANDLER_ENV.redisTls,
        HANDLER_ENV.redisSecretArn,
        HANDLER_ENV.redisClusterMode,
      ].sort(),
    );
    expect(Object.keys(environmentOf(HANDLERS.kafkaToDynamodb)).sort()).toEqual(base.sort());
  });

  it('map stack traces to the sources', () => {
    for (const handler of Object.values(HANDLERS)) {
      expect(environmentOf(handler).NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('pass each handler its own slice of the config', () => {
    const slice = (handler: string) => JSON.parse(environmentOf(handler)[HANDLER_ENV.config] as string);
    expect(slice(HANDLERS.ddbStreamToKafka)).toEqual(changeBridgeSlice(referenceConfig, 'dynamodb-streams'));
    expect(slice(HANDLERS.kinesisToKafka)).toEqual(changeBridgeSlice(referenceConfig, 'kinesis'));
    expect(slice(HANDLERS.kafkaToRedis)).toEqual(referenceConfig.sinks.redis);
    expect(slice(HANDLERS.kafkaToDynamodb)).toEqual(referenceConfig.sinks.dynamodb);
  });

  it('dead-letter poison records to their own queue; every mapping sends failed batches to the one S3 bucket', () => {
    const bucket = p.logicalId(p.data.failureRecords.bucket);
    for (const handler of Object.values(HANDLERS)) {
      const dlq = p.imported(environmentOf(handler)[HANDLER_ENV.deadLetterQueueUrl]);
      expect(dlq).toEqual({ Ref: queueRef(handler) });
      const mappings = mappingsOf(handler);
      expect(mappings.length).toBeGreaterThan(0);
      for (const mapping of mappings) {
        const destination = (mapping.Properties.DestinationConfig as { OnFailure: { Destination: unknown } })
          .OnFailure.Destination;
        expect(p.imported(destination)).toEqual({ 'Fn::GetAtt': [bucket, 'Arn'] });
      }
    }
  });

  it('connect the Redis sink to the primary endpoint over TLS with the cache secret', () => {
    const env = environmentOf(HANDLERS.kafkaToRedis);
    const group = p.logicalId(p.data.cache?.replicationGroup as never);
    expect(p.imported(env[HANDLER_ENV.redisHost])).toEqual({
      'Fn::GetAtt': [group, 'PrimaryEndPoint.Address'],
    });
    expect(p.imported(env[HANDLER_ENV.redisPort])).toEqual({ 'Fn::GetAtt': [group, 'PrimaryEndPoint.Port'] });
    expect(env[HANDLER_ENV.redisTls]).toBe('true');
    expect(env[HANDLER_ENV.redisClusterMode]).toBe('false');
    expect(p.imported(env[HANDLER_ENV.redisSecretArn])).toEqual({
      Ref: p.logicalId(p.data.cache?.secret as never),
    });
  });

  it('point the change bridges at the IAM listener of the MSK cluster, resolved at deploy time, with gzip', () => {
    const brokers = p.logicalId(p.data.kafka.bootstrapBrokers.resource.node.defaultChild as never);
    for (const handler of [HANDLERS.ddbStreamToKafka, HANDLERS.kinesisToKafka]) {
      const env = environmentOf(handler);
      expect(p.imported(env[HANDLER_ENV.kafkaBrokers])).toEqual({
        'Fn::GetAtt': [brokers, 'BootstrapBrokerStringSaslIam'],
      });
      expect(env.MSK_CLUSTER_ARN).toBeUndefined();
      expect(env[HANDLER_ENV.kafkaAuth]).toBe('iam');
      expect(env[HANDLER_ENV.kafkaCompression]).toBe('gzip');
    }
  });

  it('resolve the bootstrap brokers with one GetBootstrapBrokers call at deploy time, allowed on this cluster only', () => {
    const cluster = { Ref: p.logicalId(p.data.kafka.cluster) };
    const found = resourcesOf(p.dataTemplate, 'Custom::KafkaBootstrapBrokers');
    expect(found).toHaveLength(1);
    const [id, resource] = found[0] as [string, CfnResourceJson];
    expect(id).toBe(p.logicalId(p.data.kafka.bootstrapBrokers.resource.node.defaultChild as never));
    for (const phase of ['Create', 'Update']) {
      // `{ Fn::Join: ['', [json text, { Ref: cluster }, json text, …]] }`: the SDK call as JSON.
      const [, parts] = (resource.Properties[phase] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      const call = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'CLUSTER')).join(''));
      expect(call).toMatchObject({
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: 'CLUSTER' },
        outputPaths: ['BootstrapBrokerStringSaslIam'],
      });
      expect(parts.filter((part) => typeof part !== 'string')).toContainEqual(cluster);
    }
    const statements = resourcesOf(p.dataTemplate, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
    const lookups = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kafka:')));
    expect(lookups).toEqual([{ Action: 'kafka:GetBootstrapBrokers', Effect: 'Allow', Resource: cluster }]);
  });

  it('give the producers no MSK control-plane action (only the consumers, for the MSK pollers of Lambda)', () => {
    for (const handler of [HANDLERS.ddbStreamToKafka, HANDLERS.kinesisToKafka]) {
      expect(
        statementsOf(handler)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('kafka:')),
      ).toEqual([]);
    }
    for (const handler of [HANDLERS.kafkaToRedis, HANDLERS.kafkaToDynamodb]) {
      expect(statementsWith(handler, 'kafka:GetBootstrapBrokers')).toHaveLength(1);
    }
  });

  it('name the governance salt secret, never its value, and let only the hashing bridge read it', () => {
    const secret = { Ref: p.logicalId(p.data.governanceSalt as never) };
    const env = environmentOf(HANDLERS.ddbStreamToKafka);
    expect(p.imported(env[HANDLER_ENV.governanceHashSaltSecretArn])).toEqual(secret);
    expect(env[HANDLER_ENV.governanceHashSalt]).toBeUndefined();
    // The Kinesis path hashes nothing in the reference pipeline: no salt at all.
    expect(environmentOf(HANDLERS.kinesisToKafka)[HANDLER_ENV.governanceHashSaltSecretArn]).toBeUndefined();
    const readers = Object.values(HANDLERS).filter((handler) =>
      statementsWith(handler, 'secretsmanager:GetSecretValue').some((s) =>
        resourceList(s).some((r) => JSON.stringify(p.imported(r)) === JSON.stringify(secret)),
      ),
    );
    expect(readers).toEqual([HANDLERS.ddbStreamToKafka]);
  });
});

describe('event source mappings', () => {
  it('read each DynamoDB stream with partial batch responses, bisect, finite retries and record age', () => {
    const mappings = mappingsOf(HANDLERS.ddbStreamToKafka);
    const sources = changeBridgeSlice(referenceConfig, 'dynamodb-streams').sources;
    expect(mappings).toHaveLength(sources.length);
    const streams = mappings.map((m) => p.imported(m.Properties.EventSourceArn));
    for (const source of sources) {
      const table = p.data.sources.get(source.name)?.table;
      expect(streams).toContainEqual({ 'Fn::GetAtt': [p.logicalId(table as never), 'StreamArn'] });
    }
    for (const mapping of mappings) {
      expect(mapping.Properties).toMatchObject({
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 1000,
        MaximumRecordAgeInSeconds: 21_600,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'TRIM_HORIZON',
      });
    }
  });

  it('read the Kinesis stream with the source batch settings merged over the defaults', () => {
    const [mapping, ...others] = mappingsOf(HANDLERS.kinesisToKafka);
    expect(others).toEqual([]);
    const stream = p.data.sources.get('sb-telemetry')?.kinesisStream;
    expect(p.imported(mapping?.Properties.EventSourceArn)).toEqual({
      'Fn::GetAtt': [p.logicalId(stream as never), 'Arn'],
    });
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 1000,
      MaximumRecordAgeInSeconds: 21_600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it.each([
    [HANDLERS.kafkaToRedis, referenceConfig.sinks.redis],
    [HANDLERS.kafkaToDynamodb, referenceConfig.sinks.dynamodb],
  ])(
    'subscribe %s to each of its topics with provisioned pollers and its own consumer group',
    (handler, sink) => {
      if (!sink) throw new Error('sink missing from the reference config');
      const topics = [...new Set(sink.mappings.map((m) => m.topic))];
      const mappings = mappingsOf(handler);
      expect(mappings.map((m) => m.Properties.Topics).sort()).toEqual(topics.map((t) => [t]).sort());
      const cluster = { Ref: p.logicalId(p.data.kafka.cluster) };
      for (const mapping of mappings) {
        const [topic] = mapping.Properties.Topics as string[];
        expect(p.imported(mapping.Properties.EventSourceArn)).toEqual(cluster);
        expect(mapping.Properties).toMatchObject({
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: `${sink.consumerGroup}.${topic}` },
          ProvisionedPollerConfig: {
            MinimumPollers: 1,
            MaximumPollers: 10,
            PollerGroupName: `${NAME}-kafka-sinks`,
          },
          BatchSize: 1000,
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: 1000,
          MaximumRecordAgeInSeconds: 21_600,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          StartingPosition: 'TRIM_HORIZON',
        });
        expect(mapping.Properties.SourceAccessConfigurations).toBeUndefined();
      }
    },
  );
});

describe('permissions', () => {
  it('put no data action of any bridge on Resource "*"', () => {
    const statements = resourcesOf(p.bridgesTemplate, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      const resources = resourceList(statement);
      const wildcard = resources.some((r) => typeof r === 'string' && r.includes('*'));
      if (wildcard) expect(actionsOf(statement).filter((a) => !UNSCOPABLE_ACTIONS.has(a))).toEqual([]);
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
    }
  });

  it('let the change bridges write exactly their own topics', () => {
    const topicsOf = (handler: string) =>
      statementsWith(handler, 'kafka-cluster:WriteData').flatMap((s) =>
        resourceList(s).map((r) => {
          const text = JSON.stringify(r);
          expect(text).toContain(':topic/');
          return (text.match(/"\/([^"/]+)"\]\]\}$/) as RegExpMatchArray)[1];
        }),
      );
    expect(topicsOf(HANDLERS.ddbStreamToKafka).sort()).toEqual([
      'orders.changes',
      'products.changes',
      'sessions.changes',
    ]);
    expect(topicsOf(HANDLERS.kinesisToKafka)).toEqual(['telemetry.changes']);
    for (const handler of [HANDLERS.ddbStreamToKafka, HANDLERS.kinesisToKafka]) {
      const cluster = statementsWith(handler, 'kafka-cluster:Connect');
      expect(cluster.flatMap(resourceList).map(p.imported)).toEqual([
        { Ref: p.logicalId(p.data.kafka.cluster) },
      ]);
      expect(statementsWith(handler, 'kafka-cluster:ReadData')).toEqual([]);
    }
  });

  it.each([
    [HANDLERS.kafkaToRedis, referenceConfig.sinks.redis],
    [HANDLERS.kafkaToDynamodb, referenceConfig.sinks.dynamodb],
  ])('let %s read exactly its topics as exactly its consumer groups', (handler, sink) => {
    if (!sink) throw new Error('sink missing from the reference config');
    const last = (r: unknown) => (JSON.stringify(r).match(/"\/([^"/]+)"\]\]\}$/) as RegExpMatchArray)[1];
    const topics = [...new Set(sink.mappings.map((m) => m.topic))];
    const read = statementsWith(handler, 'kafka-cluster:ReadData').flatMap(resourceList);
    expect(read.map(last).sort()).toEqual([...topics].sort());
    const groups = statementsWith(handler, 'kafka-cluster:AlterGroup').flatMap(resourceList);
    for (const group of groups) expect(JSON.stringify(group)).toContain(':group/');
    expect(groups.map(last).sort()).toEqual(topics.map((t) => `${sink.consumerGroup}.${t}`).sort());
    // Only the threshold mappings' alert topics are written to.
    const alertTopics = sink.mappings.flatMap((m) => ('alertTopic' in m ? [m.alertTopic] : []));
    const written = statementsWith(handler, 'kafka-cluster:WriteData').flatMap(resourceList);
    expect(written.map(last).sort()).toEqual([...new Set(alertTopics)].sort());
  });

  it('let the DynamoDB sink read and write items of exactly its tables, without scans or indexes', () => {
    const statements = statementsWith(HANDLERS.kafkaToDynamodb, 'dynamodb:PutItem');
    expect(statements).toHaveLength(1);
    const tables = resourceList(statements[0] as PolicyStatementJson).map(p.imported);
    const expected = [...p.data.sinkTables.values()].map((t) => ({ 'Fn::GetAtt': [p.logicalId(t), 'Arn'] }));
    expect(tables).toEqual(expect.arrayContaining(expected));
    expect(tables).toHaveLength(expected.length);
    const all = statementsOf(HANDLERS.kafkaToDynamodb).flatMap(actionsOf);
    expect(all).not.toContain('dynamodb:Scan');
    expect(all).not.toContain('dynamodb:DeleteTable');
  });

  it('let only the Redis sink read the cache secret', () => {
    const secret = { Ref: p.logicalId(p.data.cache?.secret as never) };
    const readers = Object.values(HANDLERS).filter((handler) =>
      statementsWith(handler, 'secretsmanager:GetSecretValue').some((s) =>
        resourceList(s).some((r) => JSON.stringify(p.imported(r)) === JSON.stringify(secret)),
      ),
    );
    expect(readers).toEqual([HANDLERS.kafkaToRedis]);
  });

  it('let the change bridges read exactly their streams', () => {
    const read = (handler: string) =>
      statementsWith(handler, 'dynamodb:GetRecords')
        .concat(statementsWith(handler, 'kinesis:GetRecords'))
        .flatMap(resourceList)
        .map(p.imported);
    const tableStreams = changeBridgeSlice(referenceConfig, 'dynamodb-streams').sources.map((s) => ({
      'Fn::GetAtt': [p.logicalId(p.data.sources.get(s.name)?.table as never), 'StreamArn'],
    }));
    expect(read(HANDLERS.ddbStreamToKafka)).toEqual(expect.arrayContaining(tableStreams));
    expect(read(HANDLERS.ddbStreamToKafka)).toHaveLength(tableStreams.length);
    const stream = p.data.sources.get('sb-telemetry')?.kinesisStream;
    expect(read(HANDLERS.kinesisToKafka)).toEqual([{ 'Fn::GetAtt': [p.logicalId(stream as never), 'Arn'] }]);
  });
});

describe('observability', () => {
  function alarms(): Record<string, unknown>[] {
    return resourcesOf(p.bridgesTemplate, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  }

  function alarmOn(metricName: string, dimension: unknown): Record<string, unknown> | undefined {
    return alarms().find(
      (a) => a.MetricName === metricName && JSON.stringify(a.Dimensions).includes(JSON.stringify(dimension)),
    );
  }

  it('alarms on errors and throttles of every function, and on iterator age or offset lag', () => {
    for (const handler of Object.values(HANDLERS)) {
      const [fnId] = functionNamed(p.bridgesTemplate, fnName(handler));
      const dimension = { Name: 'FunctionName', Value: { Ref: fnId } };
      expect(alarmOn('Errors', dimension)).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
      expect(alarmOn('Throttles', dimension)).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
      const lag =
        handler === HANDLERS.kafkaToRedis || handler === HANDLERS.kafkaToDynamodb
          ? 'OffsetLag'
          : 'IteratorAge';
      expect(alarmOn(lag, dimension)).toMatchObject({ Statistic: 'Maximum' });
    }
  });

  it('alarms as soon as any failure queue holds a message', () => {
    for (const [id] of resourcesOf(p.dataTemplate, 'AWS::SQS::Queue')) {
      const alarm = alarms().find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(p.imported((a.Dimensions as { Value: unknown }[])[0]?.Value)) ===
            JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }),
      );
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    }
  });

  it('alarms on the Kinesis iterator age and on cache CPU and memory of every node', () => {
    expect(alarms().filter((a) => a.MetricName === 'GetRecords.IteratorAgeMilliseconds')).toHaveLength(1);
    expect(alarms().filter((a) => a.MetricName === 'EngineCPUUtilization')).toHaveLength(2);
    expect(alarms().filter((a) => a.MetricName === 'DatabaseMemoryUsagePercentage')).toHaveLength(2);
  });

  it('alarms on the disk, CPU and under-replicated partitions of every MSK broker', () => {
    // The cluster name is the second part of the cluster ARN, imported from the data stack.
    const clusterArn = { Ref: p.logicalId(p.data.kafka.cluster) };
    const brokers = [1, 2].map((broker) => [
      { Name: 'Broker ID', Value: String(broker) },
      { Name: 'Cluster Name', Value: clusterArn },
    ]);
    const dimensionsOf = (a: Record<string, unknown>) =>
      (a.Dimensions as { Name: string; Value: unknown }[]).map((d) => {
        if (d.Name !== 'Cluster Name') return d;
        // { Fn::Select: [1, { Fn::Split: ['/', <imported ARN>] }] }
        const [index, split] = (d.Value as { 'Fn::Select': [number, { 'Fn::Split': [string, unknown] }] })[
          'Fn::Select'
        ];
        const [separator, arn] = split['Fn::Split'];
        expect([index, separator]).toEqual([1, '/']);
        return { ...d, Value: p.imported(arn) };
      });
    const simple = (metricName: string) => alarms().filter((a) => a.MetricName === metricName);
    expect(simple('KafkaDataLogsDiskUsed').map(dimensionsOf)).toEqual(brokers);
    for (const a of simple('KafkaDataLogsDiskUsed'))
      expect(a).toMatchObject({ Threshold: 85, Namespace: 'AWS/Kafka' });
    expect(simple('UnderReplicatedPartitions').map(dimensionsOf)).toEqual(brokers);
    for (const a of simple('UnderReplicatedPartitions'))
      expect(a).toMatchObject({ Threshold: 1, EvaluationPeriods: 10 });
    const cpu = alarms().filter((a) => JSON.stringify(a.Metrics ?? []).includes('CpuUser'));
    expect(cpu).toHaveLength(2);
    for (const [i, a] of cpu.entries()) {
      expect(a.Threshold).toBe(60);
      const metrics = a.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe(`user${i + 1} + system${i + 1}`);
      expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
        'CpuSystem',
        'CpuUser',
      ]);
    }
  });

  it('notifies an encrypted topic from every alarm', () => {
    const [topicId, topic] = resourcesOf(p.bridgesTemplate, 'AWS::SNS::Topic')[0] as [
      string,
      CfnResourceJson,
    ];
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('lets CloudWatch alarms of this account and region, and no one else, publish to the topic and use its key', () => {
    const [topicId, topic] = resourcesOf(p.bridgesTemplate, 'AWS::SNS::Topic')[0] as [
      string,
      CfnResourceJson,
    ];
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    };
    const policies = resourcesOf(p.bridgesTemplate, 'AWS::SNS::TopicPolicy').filter(
      ([, candidate]) => JSON.stringify(candidate.Properties.Topics) === JSON.stringify([{ Ref: topicId }]),
    );
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0] as [string, CfnResourceJson];
    const statements = (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: ownAlarms,
      }),
    ]);
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = p.bridgesTemplate.toJSON().Resources[keyId] as CfnResourceJson;
    const keyStatements = (key.Properties.KeyPolicy as { Statement: PolicyStatementJson[] }).Statement;
    expect(
      keyStatements.filter((statement) => JSON.stringify(statement.Principal).includes('cloudwatch')),
    ).toEqual([
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: ownAlarms,
      }),
    ]);
  });

  it('subscribes nothing to the alarm topic unless the config names subscribers', () => {
    p.bridgesTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('draws one dashboard', () => {
    p.bridgesTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    p.bridgesTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `${NAME}-pipeline`,
    });
  });
});

describe('retention', () => {
  it('retains every resource of the data stack when it is deleted', () => {
    const resources = Object.entries(p.dataTemplate.toJSON().Resources as Record<string, CfnResourceJson>);
    expect(resources.length).toBeGreaterThan(50);
    for (const [id, resource] of resources) {
      expect({ id, policy: resource.DeletionPolicy }).toEqual({ id, policy: 'Retain' });
    }
  });

  it('names the retained cluster, cache users and user group after this deployment of the stack, so a redeploy after a destroy cannot collide', () => {
    const tagged = (prefix: string) => ({
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
    });
    p.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', { ClusterName: tagged(`${NAME}-kafka-`) });
    const users = resourcesOf(p.dataTemplate, 'AWS::ElastiCache::User').map(([, u]) => u.Properties.UserId);
    expect(users.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      tagged(`${NAME}-cache-app-`),
      tagged(`${NAME}-cache-default-`),
    ]);
    p.dataTemplate.hasResourceProperties('AWS::ElastiCache::UserGroup', {
      UserGroupId: tagged(`${NAME}-cache-users-`),
    });
  });

  it('gives no other retained resource a fixed name: only the tables keep the names of the config', () => {
    const NAME_PROPERTIES = [
      'FunctionName',
      'StreamName',
      'QueueName',
      'LogGroupName',
      'Name',
      'ReplicationGroupId',
    ];
    const named = Object.entries(p.dataTemplate.toJSON().Resources as Record<string, CfnResourceJson>)
      .filter(([, r]) => r.Type !== 'AWS::DynamoDB::Table')
      .flatMap(([id, r]) =>
        NAME_PROPERTIES.filter((name) => typeof r.Properties?.[name] === 'string').map(
          (name) => `${id}.${name}`,
        ),
      );
    expect(named).toEqual([]);
  });

  it('keeps no data in the bridges stack', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::SQS::Queue',
      'AWS::Kinesis::Stream',
      'AWS::MSK::Cluster',
    ]) {
      p.bridgesTemplate.resourceCountIs(type, 0);
    }
  });
});
