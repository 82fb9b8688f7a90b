/** Record and template factories shared by the local deployer's unit tests. */
import type { AttributeValue, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { ResolverContext, ResourceValues } from '../../../local/deploy/TemplateResolver';
import type { CfnTemplate, LocalEndpoints } from '../../../local/deploy/types';
import type { LocalFunction } from '../../../local/runtime/types';

export const testEndpoints: LocalEndpoints = {
  kafkaBrokers: '127.0.0.1:19092',
  redisUrl: 'redis://127.0.0.1:16379',
  dynamodb: 'http://127.0.0.1:14566',
  dynamodbStreams: 'http://127.0.0.1:14566',
  sqs: 'http://127.0.0.1:14566',
  sns: 'http://127.0.0.1:14566',
  s3: 'http://127.0.0.1:14566',
  kinesis: 'http://127.0.0.1:14567',
  region: 'us-east-1',
  accessKeyId: 'test',
  secretAccessKey: 'test',
};

/** A resolver context over fixed resource values and exports. */
export function resolverContext(
  values: Record<string, ResourceValues> = {},
  exports: Record<string, unknown> = {},
): ResolverContext {
  return {
    stackName: 'app-stateless',
    pseudo: { region: 'eu-west-1', accountId: '123456789012', partition: 'aws', urlSuffix: 'amazonaws.com' },
    exports: new Map(Object.entries(exports)),
    resourceValues: (logicalId) => values[logicalId],
  };
}

/** Values of a deployed table. */
export function tableValues(name: string): ResourceValues {
  return {
    type: 'AWS::DynamoDB::Table',
    ref: name,
    attributes: {
      Arn: `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`,
      StreamArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${name}/stream/2026-01-01T00:00:00.000`,
    },
  };
}

/** A template holding the given resources (typed loosely: each test builds only what it reads). */
export function template(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
  extra: Partial<CfnTemplate> = {},
): CfnTemplate {
  return { Resources: resources, ...extra };
}

export function localFunctionRecord(overrides: Partial<LocalFunction> = {}): LocalFunction {
  return {
    logicalId: 'Bridge',
    functionName: 'app-bridge',
    assetDir: '/tmp/cdk.out/asset.abc',
    handler: 'index.handler',
    environment: {},
    timeoutSeconds: 30,
    memoryMb: 512,
    ...overrides,
  };
}

/** A DynamoDB Streams record as the SDK returns it from GetRecords. */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  overrides: { keys?: Record<string, AttributeValue>; userIdentity?: StreamRecord['userIdentity'] } = {},
): StreamRecord {
  const keys = overrides.keys ?? { orderId: { S: 'o-1' }, version: { N: '2' } };
  const newImage = { ...keys, status: { S: 'paid' }, blob: { B: Uint8Array.from([1, 2, 3]) } };
  const oldImage = { ...keys, status: { S: 'created' } };
  return {
    eventID: 'e1b2c3',
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    ...(overrides.userIdentity ? { userIdentity: overrides.userIdentity } : {}),
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-11-26T09:12:08.426Z'),
      Keys: keys,
      ...(eventName !== 'REMOVE' ? { NewImage: newImage } : {}),
      ...(eventName !== 'INSERT' ? { OldImage: oldImage } : {}),
      SequenceNumber: '1100000000017454423009',
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
