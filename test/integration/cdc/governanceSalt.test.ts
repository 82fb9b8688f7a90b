/**
 * The change bridges' governance salt read from Secrets Manager (moto's), as a deployed function reads it:
 * its environment names only the secret; the salt never enters `process.env`.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { withGovernanceSalt } from '../../../lambdas/core/governanceSalt';
import { awsClientConfig, integrationEnv, requireEnv } from '../serviceEnv';

/**
 * moto serves every AWS service on one endpoint, the DynamoDB one on both local targets (on `localstack` the
 * SQS endpoint is LocalStack's, which is not started with Secrets Manager); the SDK finds Secrets Manager's
 * by this variable.
 */
const ENDPOINT_VAR = 'AWS_ENDPOINT_URL_SECRETS_MANAGER';

describe('withGovernanceSalt against moto Secrets Manager', () => {
  const secrets = new SecretsManagerClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
  const created: string[] = [];
  const saved: Record<string, string | undefined> = {};

  async function secret(value: { SecretString: string } | { SecretBinary: Uint8Array }): Promise<string> {
    const { ARN } = await secrets.send(
      new CreateSecretCommand({ Name: `sb-salt-${randomUUID()}`, ...value }),
    );
    created.push(ARN as string);
    return ARN as string;
  }

  beforeAll(() => {
    // The default credential chain and endpoint resolution read process.env, as in a function.
    const env = integrationEnv();
    for (const name of [ENDPOINT_VAR, 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      saved[name] = process.env[name];
    }
    process.env[ENDPOINT_VAR] = requireEnv('AWS_ENDPOINT_URL_DYNAMODB');
    process.env.AWS_REGION = env.AWS_REGION ?? 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID ?? 'test';
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY ?? 'test';
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await Promise.all(
      created.map((arn) =>
        secrets.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true })),
      ),
    );
    secrets.destroy();
  });

  it('reads the salt of the secret the environment names, into a copy of the environment', async () => {
    // Prepare
    const arn = await secret({ SecretString: 'Zq3salt0fThisDeployment0123456789' });
    const env = {
      STREAMBRIDGE_CONFIG: '{}',
      GOVERNANCE_HASH_SALT_SECRET_ARN: arn,
      AWS_REGION: process.env.AWS_REGION,
    };

    // Act
    const resolved = await withGovernanceSalt(env);

    // Assess
    expect(resolved).toEqual({ ...env, GOVERNANCE_HASH_SALT: 'Zq3salt0fThisDeployment0123456789' });
    expect(env).not.toHaveProperty('GOVERNANCE_HASH_SALT');
    expect(process.env.GOVERNANCE_HASH_SALT).toBeUndefined();
  });

  it('fails naming the variable when the secret holds no string', async () => {
    // Prepare
    const arn = await secret({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const act = withGovernanceSalt({ GOVERNANCE_HASH_SALT_SECRET_ARN: arn });

    // Assess
    await expect(act).rejects.toThrow(ConfigError);
    await expect(act).rejects.toThrow(/GOVERNANCE_HASH_SALT_SECRET_ARN: secret .* holds no SecretString/);
  });

  it('fails, rather than hash without the salt, when the secret cannot be read', async () => {
    // Act
    const act = withGovernanceSalt({
      GOVERNANCE_HASH_SALT_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:sb-missing-${randomUUID()}`,
    });

    // Assess
    await expect(act).rejects.toThrow(/can't find|not found|ResourceNotFound/i);
  });

  it('leaves an environment that names no secret as it is (local runs give the salt itself)', async () => {
    // Prepare
    const env = { GOVERNANCE_HASH_SALT: 'local-salt' };

    // Act / Assess
    expect(await withGovernanceSalt(env)).toBe(env);
  });
});
