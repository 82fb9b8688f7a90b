/**
 * Global setup of the `localstack` project: the same servers as the integration project's, but on the
 * `localstack` target (LocalStack serves SQS, Kinesis and S3; moto keeps DynamoDB and Streams; Kafka and
 * Redis are shared). It leaves the main process's environment alone, which the integration project's
 * workers inherit: this project's workers take its environment in `targetEnv.setup.ts`.
 */
import type { TestProject } from 'vitest/node';
import { holdServices } from '../integration/globalSetup';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // LocalStack from the launcher even when the run as a whole points at an external endpoint.
  const env = { ...process.env, STREAMBRIDGE_AWS_ENDPOINT: '' };
  const { release } = await holdServices(project, { awsTarget: 'localstack', env });
  return release;
}
