import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The examples import the package by name, as a user's app does; in this repository that is its sources
// (tsconfig.json maps it the same way for tsc and tsx).
const PACKAGE_ALIAS = {
  find: /^streambridge$/,
  replacement: fileURLToPath(new URL('./lib/index.ts', import.meta.url)),
};

// Four projects: pure logic, CloudFormation template assertions, tests against the real local servers
// (started once by the global setup and stopped after, unless they were already running), and part of
// those tests again on the localstack AWS target.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        resolve: { alias: [PACKAGE_ALIAS] },
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/globalSetup.ts'],
          setupFiles: ['test/targets/runResources.setup.ts'],
          // Runs after unit and infra (group 0): it has its own worker limit, and the servers' start-up
          // should not compete with template synthesis for the two cores.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
        },
      },
      {
        // The same suite's Kinesis → Kafka bridge, Kinesis event source conformance (on-failure paths), dead
        // letters and loopback check, plus a short demo run, with LocalStack serving SQS, Kinesis and S3
        // (docs/localstack.md).
        test: {
          name: 'localstack',
          include: [
            'test/integration/cdc/kinesisToKafka.test.ts',
            'test/integration/cdc/poisonRecords.test.ts',
            'test/integration/runtime/kinesis.conformance.test.ts',
            'test/integration/services/loopbackOnly.test.ts',
            'test/targets/**/*.test.ts',
          ],
          globalSetup: ['test/targets/localstackGlobalSetup.ts'],
          setupFiles: ['test/targets/targetEnv.setup.ts', 'test/targets/runResources.setup.ts'],
          // After the integration project: the servers it shares (Kafka, Redis, moto) are not loaded twice.
          sequence: { groupOrder: 2 },
          testTimeout: 180_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
