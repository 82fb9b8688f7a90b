/**
 * Secrets Manager reads of the handlers (the Kafka SCRAM credentials, the Redis auth secret). The client
 * is loaded on the first read, not at cold start: most execution environments never read a secret, and
 * loading an AWS SDK client costs tens of milliseconds of init time.
 *
 * @example
 * ```ts
 * const text = await readSecretString('arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth');
 * ```
 */

/** Reads a secret's `SecretString` (undefined when the secret holds binary); replaceable in tests. */
export type ReadSecretString = (secretArn: string) => Promise<string | undefined>;

export async function readSecretString(secretArn: string, region?: string): Promise<string | undefined> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(region ? { region } : {});
  return (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
}
