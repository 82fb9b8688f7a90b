import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FunctionSite, localEnvironment, localFunction } from '../../../local/deploy/localFunction';
import { testEndpoints } from './deployFactories';

function site(properties: Record<string, unknown>, overrides: Partial<FunctionSite> = {}): FunctionSite {
  return {
    stackName: 'app-stateless',
    logicalId: 'Bridge',
    properties: {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { S3Bucket: 'cdk-assets', S3Key: 'abc123.zip' },
      ...properties,
    },
    assemblyDir: '/work/cdk.out',
    assets: new Map([['abc123.zip', { path: '/work/cdk.out/asset.abc123', packaging: 'zip' }]]),
    endpoints: testEndpoints,
    inlineCodeDir: mkdtempSync(join(tmpdir(), 'sb-inline-')),
    ...overrides,
  };
}

describe('localEnvironment', () => {
  it('points a Kafka producer at the local broker in plaintext, without cluster ARN or SCRAM secret', () => {
    // Act
    const env = localEnvironment(
      {
        MSK_CLUSTER_ARN: 'arn:aws:kafka:…',
        KAFKA_AUTH: 'iam',
        KAFKA_SCRAM_SECRET_ARN: 'arn:secret',
        TABLE: 'orders',
      },
      testEndpoints,
      'bridge',
    );

    // Assess
    expect(env).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_AUTH: 'plaintext', TABLE: 'orders' });
    expect(env).not.toHaveProperty('MSK_CLUSTER_ARN');
    expect(env).not.toHaveProperty('KAFKA_SCRAM_SECRET_ARN');
  });

  it('gives a change bridge a stable local governance salt in place of the secret it would read', () => {
    // Prepare
    const template = {
      KAFKA_BROKERS: 'b-1.msk:9098',
      GOVERNANCE_HASH_SALT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:GovernanceSalt-local',
    };

    // Act
    const env = localEnvironment(template, testEndpoints, 'bridge');
    const again = localEnvironment(template, testEndpoints, 'bridge');
    const other = localEnvironment(
      {
        ...template,
        GOVERNANCE_HASH_SALT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:Other-local',
      },
      testEndpoints,
      'bridge',
    );

    // Assess
    expect(env).not.toHaveProperty('GOVERNANCE_HASH_SALT_SECRET_ARN');
    expect(env.GOVERNANCE_HASH_SALT).toMatch(/^local-[0-9a-f]{32}$/);
    expect(again.GOVERNANCE_HASH_SALT).toBe(env.GOVERNANCE_HASH_SALT);
    expect(other.GOVERNANCE_HASH_SALT).not.toBe(env.GOVERNANCE_HASH_SALT);
  });

  it('points a Redis client at the local redis-server without TLS, secret or cluster mode', () => {
    // Act
    const env = localEnvironment(
      {
        REDIS_HOST: 'primary.cache',
        REDIS_PORT: '6379',
        REDIS_TLS: 'true',
        REDIS_SECRET_ARN: 'arn:s',
        REDIS_CLUSTER_MODE: 'true',
      },
      testEndpoints,
      'sink',
    );

    // Assess
    expect(env).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:16379',
      REDIS_TLS: 'false',
      REDIS_CLUSTER_MODE: 'false',
    });
    for (const name of ['REDIS_HOST', 'REDIS_PORT', 'REDIS_SECRET_ARN']) expect(env).not.toHaveProperty(name);
  });

  it('adds the AWS SDK endpoints, region, dummy credentials and the function name; adds no Kafka or Redis to others', () => {
    // Act
    const env = localEnvironment({ TABLE: 'orders' }, testEndpoints, 'plain');

    // Assess
    expect(env).toEqual({
      TABLE: 'orders',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:14566',
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:14566',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:14566',
      AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:14566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:14566',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:14567',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_LAMBDA_FUNCTION_NAME: 'plain',
    });
  });
});

describe('localFunction', () => {
  it('finds the bundled asset folder and reads handler, timeout and memory', () => {
    // Act
    const result = localFunction(site({ FunctionName: 'app-bridge', Timeout: 30, MemorySize: 512 }));

    // Assess
    expect(result).toMatchObject({
      ok: true,
      fn: {
        logicalId: 'Bridge',
        functionName: 'app-bridge',
        assetDir: '/work/cdk.out/asset.abc123',
        handler: 'index.handler',
        timeoutSeconds: 30,
        memoryMb: 512,
      },
    });
  });

  it('gives Lambda defaults (3 s, 128 MB) and a stack-derived name when the template is silent', () => {
    expect(localFunction(site({}))).toMatchObject({
      ok: true,
      fn: { functionName: 'app-stateless-Bridge', timeoutSeconds: 3, memoryMb: 128 },
    });
  });

  it('writes inline code out so it runs like an asset', () => {
    // Prepare
    const subject = site({ Code: { ZipFile: 'exports.handler = async () => 1;' } });

    // Act
    const result = localFunction(subject);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.fn.assetDir).toBe(join(subject.inlineCodeDir, 'app-stateless', 'Bridge'));
    expect(readFileSync(join(result.fn.assetDir, 'index.js'), 'utf8')).toBe(
      'exports.handler = async () => 1;',
    );
  });

  it.each([
    [
      'a Python function',
      { Runtime: 'python3.12' },
      'runtime python3.12 cannot run locally: only Node.js functions do',
    ],
    [
      'a container image',
      { PackageType: 'Image', Code: { ImageUri: 'x' } },
      'container image functions need Docker',
    ],
    [
      'code outside the assembly',
      { Code: { S3Bucket: 'b', S3Key: 'other.zip' } },
      'code of app-stateless-Bridge is not an asset of this cloud assembly (S3Key other.zip)',
    ],
  ])('does not run %s, saying why', (_name, properties, reason) => {
    expect(localFunction(site(properties))).toEqual({ ok: false, reason });
  });

  it('refuses a handler without an export name', () => {
    expect(() => localFunction(site({ Handler: 'index' }))).toThrow(
      'app-stateless/Bridge.Handler: must be "<file>.<export>"',
    );
  });
});

describe('dynamic references in the environment', () => {
  it('replaces a Secrets Manager dynamic reference with a stable local stand-in', () => {
    // Prepare
    const reference =
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:1:secret:salt:SecretString:::}}';
    const subject = site({
      Environment: { Variables: { SALT: reference, OTHER: `x-${reference.replace('salt', 'pepper')}` } },
    });

    // Act
    const first = localFunction(subject);
    const second = localFunction(subject);

    // Assess
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.fn.environment.SALT).toMatch(/^local-[0-9a-f]{32}$/);
    expect(first.fn.environment.SALT).toBe(second.fn.environment.SALT);
    expect(first.fn.environment.OTHER).toMatch(/^x-local-[0-9a-f]{32}$/);
    expect(first.fn.environment.OTHER).not.toBe(`x-${first.fn.environment.SALT}`);
    expect(first.detail).toContain('local stand-in for the dynamic reference in SALT, OTHER');
  });
});
