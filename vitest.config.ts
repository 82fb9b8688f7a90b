import { defineConfig } from 'vitest/config';

// Three projects: pure logic, CloudFormation template assertions, and tests against the real local
// servers (started once by the global setup and stopped after, unless they were already running).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
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
          // Runs after unit and infra (group 0): it has its own worker limit, and the servers' start-up
          // should not compete with template synthesis for the two cores.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
