/**
 * Template tests of resources declared `existing` (issue 15), one path each: a source table with its stream
 * ARN, a Kinesis stream ARN, an MSK cluster by ARN with IAM, a self-managed Kafka with SCRAM, an existing
 * cache, an existing VPC, and all of them at once (no data stack). For each: no resource is created for
 * what exists, IAM is on its exact ARNs, and its security group lets the bridges in as declared. cdk-nag
 * runs in every synth (a finding fails it).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/core/constants';
import { HANDLERS } from '../../lib/constants';
import { ALL_EXISTING_CONFIG, EXISTING, EXISTING_MSK } from '../factories/existingResources';
import {
  actionsOf,
  type CfnResourceJson,
  configWith,
  functionNamed,
  type PolicyStatementJson,
  resourceList,
  resourcesOf,
  roleStatements,
  synthBridgesOnly,
  synthPipeline,
} from './pipelineTemplates';
import { EXISTING_VARIANTS } from './pipelineVariants';

const MSK_TOPIC_ARN = (topic: string) =>
  `arn:aws:kafka:eu-west-1:123456789012:topic/shared-msk/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-3/${topic}`;
const MSK_GROUP_ARN = (group: string) =>
  `arn:aws:kafka:eu-west-1:123456789012:group/shared-msk/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-3/${group}`;

function fnOf(template: Template, name: string): [string, CfnResourceJson] {
  return functionNamed(template, name);
}

function statementsOf(template: Template, functionName: string): PolicyStatementJson[] {
  const [, fn] = fnOf(template, functionName);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return roleStatements(template, role);
}

function statementsWith(template: Template, functionName: string, action: string): PolicyStatementJson[] {
  return statementsOf(template, functionName).filter((s) => actionsOf(s).includes(action));
}

function environmentOf(template: Template, functionName: string): Record<string, unknown> {
  const [, fn] = fnOf(template, functionName);
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function mappingsOf(template: Template, functionName: string): CfnResourceJson[] {
  const [fnId] = fnOf(template, functionName);
  return resourcesOf(template, 'AWS::Lambda::EventSourceMapping')
    .map(([, mapping]) => mapping)
    .filter((mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: fnId }));
}

/** Ingress rules on a security group given by id (an existing one). */
function ingressInto(template: Template, groupId: string): CfnResourceJson[] {
  return resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')
    .map(([, rule]) => rule)
    .filter((rule) => rule.Properties.GroupId === groupId);
}

describe('a source table by name with its stream ARN', () => {
  const p = () => synthPipeline(EXISTING_VARIANTS.tableStream.config);
  let built: ReturnType<typeof p>;
  beforeAll(() => {
    built = p();
  });

  it('creates no table for it and reads exactly its stream', () => {
    // Assess
    const tables = resourcesOf(built.dataTemplate, 'AWS::DynamoDB::Table').map(
      ([, t]) => t.Properties.TableName,
    );
    expect(tables).not.toContain('sb-sessions');
    expect(tables).toContain('sb-products');
    const name = `${built.config.name}-${HANDLERS.ddbStreamToKafka}`;
    const arns = mappingsOf(built.bridgesTemplate, name).map((m) => m.Properties.EventSourceArn);
    expect(arns).toContainEqual(EXISTING.sessionsStreamArn);
    const read = statementsWith(built.bridgesTemplate, name, 'dynamodb:GetRecords').flatMap(resourceList);
    expect(read).toContainEqual(EXISTING.sessionsStreamArn);
  });

  it('never changes the table: no TTL, stream or PITR settings reach it', () => {
    // Assess
    const text = JSON.stringify(built.dataTemplate.toJSON());
    expect(text).not.toContain('"sb-sessions"');
  });
});

describe('a Kinesis-path source by its stream ARN', () => {
  let built: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    built = synthPipeline(EXISTING_VARIANTS.kinesisStream.config);
  });

  it('creates neither the table nor a stream and reads exactly the given stream', () => {
    // Assess
    built.dataTemplate.resourceCountIs('AWS::Kinesis::Stream', 0);
    const tables = resourcesOf(built.dataTemplate, 'AWS::DynamoDB::Table').map(
      ([, t]) => t.Properties.TableName,
    );
    expect(tables).not.toContain('sb-telemetry');
    const name = `${built.config.name}-${HANDLERS.kinesisToKafka}`;
    const mappings = mappingsOf(built.bridgesTemplate, name);
    expect(mappings.map((m) => m.Properties.EventSourceArn)).toEqual([EXISTING.telemetryKinesisArn]);
    const read = statementsWith(built.bridgesTemplate, name, 'kinesis:GetRecords').flatMap(resourceList);
    expect(read).toEqual([EXISTING.telemetryKinesisArn]);
  });
});

describe('an MSK cluster by ARN with IAM', () => {
  let built: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    built = synthPipeline(EXISTING_VARIANTS.msk.config);
  });

  it('creates no cluster and no topic resource for declared topics', () => {
    // Assess
    built.dataTemplate.resourceCountIs('AWS::MSK::Cluster', 0);
    built.dataTemplate.resourceCountIs('AWS::MSK::ServerlessCluster', 0);
    built.dataTemplate.resourceCountIs('AWS::MSK::Topic', 0);
    built.dataTemplate.resourceCountIs('Custom::KafkaTopic', 0);
  });

  it('looks its brokers up at deploy time with only that call on only that cluster', () => {
    // Assess
    built.dataTemplate.hasResourceProperties('Custom::KafkaBootstrapBrokers', {
      Create: Match.stringLikeRegexp(EXISTING.mskClusterArn),
    });
    const brokers = environmentOf(built.bridgesTemplate, `${built.config.name}-${HANDLERS.ddbStreamToKafka}`)[
      HANDLER_ENV.kafkaBrokers
    ];
    expect(JSON.stringify(brokers)).toContain('BootstrapBrokerStringSaslIam');
  });

  it('lets the bridges into the cluster’s security group on the IAM port', () => {
    // Assess
    const rules = ingressInto(built.dataTemplate, EXISTING.mskSecurityGroupId);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098 });
    expect(JSON.stringify(rules[0]?.Properties.SourceSecurityGroupId)).toContain('FunctionSecurityGroup');
  });

  it('grants produce and consume on the exact cluster, topic and group ARNs', () => {
    // Assess
    const template = built.bridgesTemplate;
    const producer = `${built.config.name}-${HANDLERS.ddbStreamToKafka}`;
    expect(statementsWith(template, producer, 'kafka-cluster:Connect').flatMap(resourceList)).toEqual([
      EXISTING.mskClusterArn,
    ]);
    expect(
      statementsWith(template, producer, 'kafka-cluster:WriteData').flatMap(resourceList).sort(),
    ).toEqual(['orders.changes', 'products.changes', 'sessions.changes'].map(MSK_TOPIC_ARN));
    const sink = `${built.config.name}-${HANDLERS.kafkaToDynamodb}`;
    const consumerGroup = built.config.sinks.dynamodb?.consumerGroup as string;
    const groups = statementsWith(template, sink, 'kafka-cluster:AlterGroup').flatMap(resourceList);
    expect(groups).toContainEqual(MSK_GROUP_ARN(`${consumerGroup}.telemetry.changes`));
    for (const mapping of mappingsOf(template, sink)) {
      expect(mapping.Properties.EventSourceArn).toBe(EXISTING.mskClusterArn);
    }
  });
});

describe('new topics on an existing MSK cluster', () => {
  it('are provisioned by the topic provisioner, the declared ones left alone', () => {
    // Act
    const built = synthPipeline(
      configWith((c) => {
        c.kafka = { existing: EXISTING_MSK };
        c.topics[0].existing = true;
        delete c.topics[0].retentionMs;
      }),
    );
    // Assess
    const topics = resourcesOf(built.dataTemplate, 'Custom::KafkaTopic').map(
      ([, t]) => t.Properties.TopicName,
    );
    expect(topics.sort()).toEqual([
      'clickstream',
      'device-alerts',
      'device-readings',
      'orders.changes',
      'products.changes',
      'sessions.changes',
    ]);
    built.dataTemplate.resourceCountIs('AWS::MSK::Topic', 0);
  });
});

describe('a self-managed Kafka with SCRAM', () => {
  let built: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    built = synthPipeline(EXISTING_VARIANTS.selfManaged.config);
  });

  it('subscribes the sinks to its brokers with the SCRAM secret, in the functions’ subnets and group', () => {
    // Assess
    const sink = `${built.config.name}-${HANDLERS.kafkaToRedis}`;
    const mappings = mappingsOf(built.bridgesTemplate, sink);
    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) {
      expect(mapping.Properties.EventSourceArn).toBeUndefined();
      expect(mapping.Properties.SelfManagedEventSource).toEqual({
        Endpoints: { KafkaBootstrapServers: EXISTING.selfManagedBrokers },
      });
      const access = mapping.Properties.SourceAccessConfigurations as { Type: string; URI: unknown }[];
      expect(access.map((a) => a.Type).sort()).toEqual([
        'SASL_SCRAM_512_AUTH',
        'VPC_SECURITY_GROUP',
        'VPC_SUBNET',
        'VPC_SUBNET',
      ]);
      expect(access.find((a) => a.Type === 'SASL_SCRAM_512_AUTH')?.URI).toBe(EXISTING.selfManagedSecretArn);
      const [topic] = mapping.Properties.Topics as string[];
      expect(mapping.Properties).toMatchObject({
        SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: `streambridge-redis-sink.${topic}` },
        ProvisionedPollerConfig: { PollerGroupName: `${built.config.name}-kafka-sinks` },
      });
    }
  });

  it('gives the producers the brokers and the secret ARN, and only that secret to read', () => {
    // Assess
    const producer = `${built.config.name}-${HANDLERS.ddbStreamToKafka}`;
    expect(environmentOf(built.bridgesTemplate, producer)).toMatchObject({
      [HANDLER_ENV.kafkaBrokers]: EXISTING.selfManagedBrokers.join(','),
      [HANDLER_ENV.kafkaAuth]: 'scram',
      [HANDLER_ENV.kafkaScramSecretArn]: EXISTING.selfManagedSecretArn,
    });
    const reads = statementsWith(built.bridgesTemplate, producer, 'secretsmanager:GetSecretValue');
    expect(reads.flatMap(resourceList)).toContain(EXISTING.selfManagedSecretArn);
    const all = statementsOf(built.bridgesTemplate, producer).flatMap(actionsOf);
    expect(all.filter((action) => action.startsWith('kafka'))).toEqual([]);
  });

  it('lets the bridges into the brokers’ security group on their port', () => {
    // Assess
    const rules = ingressInto(built.dataTemplate, EXISTING.selfManagedSecurityGroupId);
    expect(rules.map((r) => r.Properties.FromPort)).toEqual([9096]);
  });
});

describe('an existing cache', () => {
  let built: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    built = synthPipeline(EXISTING_VARIANTS.cache.config);
  });

  it('creates no cache, users or secret, and connects the sink as declared', () => {
    // Assess
    for (const type of [
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::ElastiCache::ServerlessCache',
      'AWS::ElastiCache::User',
      'AWS::ElastiCache::UserGroup',
    ]) {
      built.dataTemplate.resourceCountIs(type, 0);
    }
    const sink = `${built.config.name}-${HANDLERS.kafkaToRedis}`;
    expect(environmentOf(built.bridgesTemplate, sink)).toMatchObject({
      [HANDLER_ENV.redisHost]: EXISTING.cache.primaryEndpoint,
      [HANDLER_ENV.redisPort]: '6379',
      [HANDLER_ENV.redisTls]: 'true',
      [HANDLER_ENV.redisClusterMode]: 'false',
      [HANDLER_ENV.redisSecretArn]: EXISTING.cache.authSecretArn,
    });
    const reads = statementsWith(built.bridgesTemplate, sink, 'secretsmanager:GetSecretValue');
    expect(reads.flatMap(resourceList)).toContain(EXISTING.cache.authSecretArn);
  });

  it('honours a cache without TLS', () => {
    // Act
    const plain = synthPipeline(
      configWith((c) => {
        c.cache = { existing: { ...EXISTING.cache, tls: false } };
      }),
    );
    // Assess
    const sink = `${plain.config.name}-${HANDLERS.kafkaToRedis}`;
    expect(environmentOf(plain.bridgesTemplate, sink)[HANDLER_ENV.redisTls]).toBe('false');
  });

  it('lets the bridges into the cache’s security group on its port', () => {
    // Assess
    const rules = ingressInto(built.dataTemplate, EXISTING.cache.securityGroupId);
    expect(rules.map((r) => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([[6379, 6379]]);
  });
});

describe('an existing VPC', () => {
  let built: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    built = synthPipeline(EXISTING_VARIANTS.network.config);
  });

  it('creates no VPC, subnet, endpoint or flow log, and places brokers, cache and functions in its subnets', () => {
    // Assess
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::FlowLog']) {
      built.dataTemplate.resourceCountIs(type, 0);
    }
    built.dataTemplate.hasResourceProperties('AWS::MSK::Cluster', {
      BrokerNodeGroupInfo: { ClientSubnets: EXISTING.network.subnetIds },
    });
    built.dataTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Bridge functions'),
      VpcId: EXISTING.network.vpcId,
    });
    const [, fn] = fnOf(built.bridgesTemplate, `${built.config.name}-${HANDLERS.kafkaToRedis}`);
    expect((fn.Properties.VpcConfig as { SubnetIds: unknown }).SubnetIds).toEqual(EXISTING.network.subnetIds);
  });

  it('uses a given security group for the functions instead of creating one', () => {
    // Act
    const given = synthPipeline(
      configWith((c) => {
        c.network = { existing: { ...EXISTING.network, securityGroupId: EXISTING.bridgesSecurityGroupId } };
      }),
    );
    // Assess
    const [, fn] = fnOf(given.bridgesTemplate, `${given.config.name}-${HANDLERS.kafkaToRedis}`);
    expect((fn.Properties.VpcConfig as { SecurityGroupIds: unknown }).SecurityGroupIds).toEqual([
      EXISTING.bridgesSecurityGroupId,
    ]);
    const groups = resourcesOf(given.dataTemplate, 'AWS::EC2::SecurityGroup').map(
      ([, g]) => g.Properties.GroupDescription,
    );
    expect(groups.some((d) => String(d).startsWith('Bridge functions'))).toBe(false);
  });
});

describe('everything existing', () => {
  let built: ReturnType<typeof synthBridgesOnly>;
  beforeAll(() => {
    built = synthBridgesOnly(ALL_EXISTING_CONFIG);
  });

  it('has no data stack, and the bridges stack creates nothing stateful', () => {
    // Assess
    expect(built.app.node.tryFindChild(`${ALL_EXISTING_CONFIG.name}-data`)).toBeUndefined();
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::Kinesis::Stream',
      'AWS::MSK::Cluster',
      'AWS::MSK::Topic',
      'Custom::KafkaTopic',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::EC2::VPC',
      'AWS::EC2::SecurityGroup',
      'AWS::SecretsManager::Secret',
    ]) {
      built.bridgesTemplate.resourceCountIs(type, 0);
    }
    expect(JSON.stringify(built.bridgesTemplate.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('gives each bridge its own dead-letter queue, and the pipeline one failure-record bucket', () => {
    // Assess
    const queues = resourcesOf(built.bridgesTemplate, 'AWS::SQS::Queue');
    expect(queues.length).toBe(4);
    built.bridgesTemplate.resourceCountIs('AWS::S3::Bucket', 1);
  });

  it('lets the given bridges’ group into the cluster and the cache, without changing the group itself', () => {
    // Assess
    const template = built.bridgesTemplate;
    const kafka = ingressInto(template, EXISTING.mskSecurityGroupId);
    const cache = ingressInto(template, EXISTING.cache.securityGroupId);
    expect(kafka.map((r) => r.Properties.SourceSecurityGroupId)).toEqual([EXISTING.bridgesSecurityGroupId]);
    expect(cache.map((r) => r.Properties.SourceSecurityGroupId)).toEqual([EXISTING.bridgesSecurityGroupId]);
    expect(ingressInto(template, EXISTING.bridgesSecurityGroupId)).toEqual([]);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  it('puts every data action on the exact ARNs of the existing resources', () => {
    // Assess
    const template = built.bridgesTemplate;
    const sink = `${ALL_EXISTING_CONFIG.name}-${HANDLERS.kafkaToDynamodb}`;
    const writes = statementsWith(template, sink, 'dynamodb:PutItem').flatMap(resourceList);
    expect(JSON.stringify(writes)).toContain(':table/shared-telemetry-series');
    const producer = `${ALL_EXISTING_CONFIG.name}-${HANDLERS.kinesisToKafka}`;
    expect(statementsWith(template, producer, 'kafka-cluster:WriteData').flatMap(resourceList)).toEqual([
      MSK_TOPIC_ARN('telemetry.changes'),
    ]);
    expect(statementsWith(template, producer, 'kinesis:GetRecords').flatMap(resourceList)).toEqual([
      EXISTING.telemetryKinesisArn,
    ]);
  });
});
