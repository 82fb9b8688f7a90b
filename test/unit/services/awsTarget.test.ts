import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsTargetSummary, resolveAwsTarget } from '../../../local/services/awsTarget';
import { DEFAULT_PORTS } from '../../../local/services/constants';
import { AwsTargetError } from '../../../local/services/errors';
import { resolveServicesConfig } from '../../../local/services/resolveServicesConfig';
import { serviceEnv } from '../../../local/services/serviceEnv';

// A state dir with no pid files: every endpoint is the configured port, never a server that happens to run.
const stateDir = mkdtempSync(join(tmpdir(), 'streambridge-aws-target-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const moto = `http://127.0.0.1:${DEFAULT_PORTS.moto}`;
const kinesisMock = `http://127.0.0.1:${DEFAULT_PORTS.kinesis}`;
const localstack = `http://127.0.0.1:${DEFAULT_PORTS.localstack}`;

function endpointVars(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('AWS_ENDPOINT_URL')));
}

describe('AWS target switch', () => {
  it('defaults to moto + kinesis-mock, as before the switch existed', () => {
    // Act
    const config = resolveServicesConfig({ env: {}, stateDir });
    const env = serviceEnv({ env: {}, stateDir });

    // Assess
    expect(config.awsTarget.name).toBe('moto');
    expect(config.services).toEqual(['kafka', 'redis', 'moto', 'kinesis']);
    expect(endpointVars(env)).toEqual({
      AWS_ENDPOINT_URL_DYNAMODB: moto,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: moto,
      AWS_ENDPOINT_URL_KINESIS: kinesisMock,
      AWS_ENDPOINT_URL_SQS: moto,
      AWS_ENDPOINT_URL_SNS: moto,
      AWS_ENDPOINT_URL_S3: moto,
    });
    expect(env).toMatchObject({
      KAFKA_BROKERS: `127.0.0.1:${DEFAULT_PORTS.kafka}`,
      REDIS_URL: `redis://127.0.0.1:${DEFAULT_PORTS.redis}`,
      STREAMBRIDGE_AWS_TARGET: 'moto',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });

  it('localstack: LocalStack serves SQS, Kinesis and S3, moto keeps DynamoDB, Streams and SNS, no kinesis-mock', () => {
    // Prepare
    const options = { env: { STREAMBRIDGE_AWS_TARGET: 'localstack' }, stateDir };

    // Act
    const config = resolveServicesConfig(options);
    const env = serviceEnv(options);

    // Assess
    expect(config.services).toEqual(['kafka', 'redis', 'moto', 'localstack']);
    expect(endpointVars(env)).toEqual({
      AWS_ENDPOINT_URL_DYNAMODB: moto,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: moto,
      AWS_ENDPOINT_URL_KINESIS: localstack,
      AWS_ENDPOINT_URL_SQS: localstack,
      AWS_ENDPOINT_URL_SNS: moto,
      AWS_ENDPOINT_URL_S3: localstack,
    });
    expect(env).toMatchObject({ STREAMBRIDGE_AWS_TARGET: 'localstack', AWS_ACCESS_KEY_ID: 'test' });
  });

  it('takes the LocalStack port from STREAMBRIDGE_LOCALSTACK_PORT', () => {
    // Act
    const env = serviceEnv({
      env: { STREAMBRIDGE_AWS_TARGET: 'localstack', STREAMBRIDGE_LOCALSTACK_PORT: '18666' },
      stateDir,
    });

    // Assess
    expect(env.AWS_ENDPOINT_URL_SQS).toBe('http://127.0.0.1:18666');
  });

  it('an external endpoint: nothing AWS-side started, every AWS service goes there', () => {
    // Prepare
    const options = {
      env: { STREAMBRIDGE_AWS_TARGET: 'localstack', STREAMBRIDGE_AWS_ENDPOINT: 'http://localhost:4566/' },
      stateDir,
    };

    // Act
    const config = resolveServicesConfig(options);
    const env = serviceEnv(options);

    // Assess
    expect(config.services).toEqual(['kafka', 'redis']);
    expect(endpointVars(env)).toEqual({
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:4566',
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://localhost:4566',
      AWS_ENDPOINT_URL_KINESIS: 'http://localhost:4566',
      AWS_ENDPOINT_URL_SQS: 'http://localhost:4566',
      AWS_ENDPOINT_URL_SNS: 'http://localhost:4566',
      AWS_ENDPOINT_URL_S3: 'http://localhost:4566',
    });
    expect(env).toMatchObject({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test' });
  });

  it('aws, allowed and with a region: nothing AWS-side started, no endpoints, no dummy credentials', () => {
    // Prepare
    const options = {
      env: { STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_REGION: 'eu-west-1' },
      stateDir,
    };

    // Act
    const config = resolveServicesConfig(options);
    const env = serviceEnv(options);

    // Assess
    expect(config.services).toEqual(['kafka', 'redis']);
    expect(endpointVars(env)).toEqual({});
    expect(env.AWS_REGION).toBe('eu-west-1');
    expect(resolveAwsTarget({}, env).name).toBe('aws');
    expect(env).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
  });

  it('aws takes AWS_DEFAULT_REGION when AWS_REGION is unset', () => {
    // Act
    const target = resolveAwsTarget(
      {},
      { STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_DEFAULT_REGION: 'ap-south-1' },
    );

    // Assess
    expect(target.region).toBe('ap-south-1');
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1' }, [/STREAMBRIDGE_AWS_ALLOW_REAL=1/], [/AWS_REGION/]],
    [{ STREAMBRIDGE_AWS_ALLOW_REAL: 'yes', AWS_REGION: 'eu-west-1' }, [/STREAMBRIDGE_AWS_ALLOW_REAL=1/], []],
    [{ STREAMBRIDGE_AWS_ALLOW_REAL: '1' }, [/needs a region: set AWS_REGION/], [/ALLOW_REAL/]],
    [{}, [/STREAMBRIDGE_AWS_ALLOW_REAL=1/, /needs a region: set AWS_REGION/], []],
    [
      { STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_REGION: 'eu-west-1', STREAMBRIDGE_AWS_ENDPOINT: 'http://x:1' },
      [/STREAMBRIDGE_AWS_ENDPOINT must be unset/],
      [/ALLOW_REAL/, /needs a region/],
    ],
    [
      {
        STREAMBRIDGE_AWS_ALLOW_REAL: '1',
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:14566',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:14566',
      },
      [/AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS must be unset/],
      [/ALLOW_REAL/, /needs a region/],
    ],
  ])('aws refuses %o, naming every missing piece and nothing else', (extra, named, notNamed) => {
    // Prepare
    const env = { STREAMBRIDGE_AWS_TARGET: 'aws', ...extra };

    // Act
    const resolve = () => resolveServicesConfig({ env, stateDir });

    // Assess
    expect(resolve).toThrow(AwsTargetError);
    expect(resolve).toThrow(/^STREAMBRIDGE_AWS_TARGET=aws refused: /);
    const message = (() => {
      try {
        resolve();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const pattern of named) expect(message).toMatch(pattern);
    for (const pattern of notNamed) expect(message).not.toMatch(pattern);
  });

  it('rejects an unknown target, naming the allowed ones and where the value came from', () => {
    // Act
    const fromEnv = () => resolveServicesConfig({ env: { STREAMBRIDGE_AWS_TARGET: 'Localstack' }, stateDir });
    // @ts-expect-error: a caller outside TypeScript (the CLI) can pass any name
    const fromOption = () => resolveServicesConfig({ env: {}, stateDir, awsTarget: 'docker' });

    // Assess
    expect(fromEnv).toThrow(
      'unknown AWS target "Localstack" (STREAMBRIDGE_AWS_TARGET); known: moto, localstack, aws',
    );
    expect(fromOption).toThrow(
      'unknown AWS target "docker" (awsTarget / --aws-target); known: moto, localstack, aws',
    );
  });

  it.each(['localhost:4566', 'ftp://127.0.0.1:4566', 'not a url'])(
    'rejects the endpoint "%s"',
    (endpoint) => {
      // Act
      const resolve = () => resolveServicesConfig({ env: { STREAMBRIDGE_AWS_ENDPOINT: endpoint }, stateDir });

      // Assess
      expect(resolve).toThrow(
        `the AWS endpoint (STREAMBRIDGE_AWS_ENDPOINT) must be an http(s) URL; got "${endpoint}"`,
      );
    },
  );

  it('lets options override the variables', () => {
    // Act
    const config = resolveServicesConfig({
      env: { STREAMBRIDGE_AWS_TARGET: 'aws' },
      awsTarget: 'localstack',
      stateDir,
    });

    // Assess
    expect(config.awsTarget.name).toBe('localstack');
  });

  it('keeps `only` authoritative: endpoint variables only for the servers asked for', () => {
    // Act
    const env = serviceEnv({
      env: { STREAMBRIDGE_AWS_TARGET: 'localstack' },
      stateDir,
      only: ['localstack'],
    });

    // Assess
    expect(endpointVars(env)).toEqual({
      AWS_ENDPOINT_URL_KINESIS: localstack,
      AWS_ENDPOINT_URL_SQS: localstack,
      AWS_ENDPOINT_URL_S3: localstack,
    });
    expect(env).not.toHaveProperty('KAFKA_BROKERS');
  });

  it.each([
    [
      { STREAMBRIDGE_AWS_TARGET: 'localstack' },
      [
        'AWS target localstack',
        `  DynamoDB          moto        ${moto}`,
        `  DynamoDB Streams  moto        ${moto}`,
        `  Kinesis           LocalStack  ${localstack}`,
        `  SQS               LocalStack  ${localstack}`,
        `  SNS               moto        ${moto}`,
        `  S3                LocalStack  ${localstack}`,
      ],
    ],
    [
      {},
      [
        'AWS target moto',
        `  DynamoDB          moto          ${moto}`,
        `  DynamoDB Streams  moto          ${moto}`,
        `  Kinesis           kinesis-mock  ${kinesisMock}`,
        `  SQS               moto          ${moto}`,
        `  SNS               moto          ${moto}`,
        `  S3                moto          ${moto}`,
      ],
    ],
    [
      { STREAMBRIDGE_AWS_ENDPOINT: 'http://127.0.0.1:4566' },
      [
        'AWS target moto',
        '  DynamoDB          external  http://127.0.0.1:4566',
        '  DynamoDB Streams  external  http://127.0.0.1:4566',
        '  Kinesis           external  http://127.0.0.1:4566',
        '  SQS               external  http://127.0.0.1:4566',
        '  SNS               external  http://127.0.0.1:4566',
        '  S3                external  http://127.0.0.1:4566',
      ],
    ],
    [
      { STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_REGION: 'eu-west-1' },
      [
        'AWS target aws',
        "  DynamoDB          AWS  eu-west-1, the SDK's endpoint",
        "  DynamoDB Streams  AWS  eu-west-1, the SDK's endpoint",
        "  Kinesis           AWS  eu-west-1, the SDK's endpoint",
        "  SQS               AWS  eu-west-1, the SDK's endpoint",
        "  SNS               AWS  eu-west-1, the SDK's endpoint",
        "  S3                AWS  eu-west-1, the SDK's endpoint",
      ],
    ],
  ])('tabulates what serves each AWS service for %o', (env, lines) => {
    // Act
    const summary = awsTargetSummary(resolveAwsTarget({}, env), serviceEnv({ env, stateDir }));

    // Assess
    expect(summary.split('\n')).toEqual(lines);
  });
});
