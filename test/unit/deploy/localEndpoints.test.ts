import { describe, expect, it } from 'vitest';
import { awsClientEnvironment, awsClientOptions, localEndpoints } from '../../../local/deploy/localEndpoints';

// Which server serves what on each target is tested with the launcher (test/unit/services/awsTarget.test.ts).
const realAws = { STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_REGION: 'eu-west-1' };

describe('localEndpoints across AWS targets', () => {
  it('on aws: no AWS endpoint and no keys, so the SDK uses the real endpoints and its credential chain', () => {
    // Act
    const endpoints = localEndpoints({
      ...realAws,
      AWS_ACCESS_KEY_ID: 'AKIAREAL',
      AWS_SECRET_ACCESS_KEY: 's',
    });

    // Assess
    expect(endpoints).toMatchObject({
      dynamodb: undefined,
      dynamodbStreams: undefined,
      sqs: undefined,
      kinesis: undefined,
      region: 'eu-west-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
    });
    expect(awsClientOptions(endpoints, 'dynamodb')).toEqual({ region: 'eu-west-1' });
    expect(awsClientEnvironment(endpoints)).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });

  it('on aws: refuses endpoint variables left over from a local target instead of ignoring them', () => {
    // Act
    const resolve = () => localEndpoints({ ...realAws, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:14566' });

    // Assess
    expect(resolve).toThrow(/AWS_ENDPOINT_URL_DYNAMODB must be unset/);
  });

  it('gives a client its endpoint and the dummy keys on a local target', () => {
    // Prepare
    const endpoints = localEndpoints({ AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:31003' });

    // Act
    const options = awsClientOptions(endpoints, 'sqs');

    // Assess
    expect(options).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:31003',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  it('gives the functions the SNS endpoint of moto on the moto target (threshold alerts with alertSns)', () => {
    // Act
    const endpoints = localEndpoints({});

    // Assess
    expect(endpoints.sns).toBe(endpoints.sqs);
    expect(awsClientEnvironment(endpoints).AWS_ENDPOINT_URL_SNS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
