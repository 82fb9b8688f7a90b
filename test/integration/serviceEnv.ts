import { NodeHttpHandler } from '@smithy/node-http-handler';
import { inject } from 'vitest';

/**
 * The local server endpoints for a test: the environment the global setup provided, over `process.env`.
 *
 * @example
 * ```ts
 * const { KAFKA_BROKERS } = integrationEnv();
 * ```
 */
export function integrationEnv(): Record<string, string> {
  const provided = inject('serviceEnv');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...provided };
}

/** The value of one endpoint variable, failing clearly when neither the setup nor the environment has it. */
export function requireEnv(name: string): string {
  const value = integrationEnv()[name];
  if (!value) throw new Error(`${name} is not set: the integration global setup did not provide it`);
  return value;
}

/**
 * Endpoint, region, credentials and an HTTP/1.1 handler for an AWS SDK v3 client, from the endpoint
 * variable of its service (on the `aws` target the region alone). HTTP/1.1 because the Kinesis client otherwise speaks HTTP/2, which kinesis-mock's
 * plain port answers with broken frames on empty bodies ("Protocol error").
 *
 * @example
 * ```ts
 * const dynamodb = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
 * ```
 */
export function awsClientConfig(endpointVar: string) {
  const env = integrationEnv();
  // Real AWS: the region's endpoints and the SDK's default credential chain, never a local stand-in's.
  if (env.STREAMBRIDGE_AWS_TARGET === 'aws') {
    return { region: requireEnv('AWS_REGION'), requestHandler: new NodeHttpHandler() };
  }
  return {
    endpoint: requireEnv(endpointVar),
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
    },
    requestHandler: new NodeHttpHandler(),
  };
}
