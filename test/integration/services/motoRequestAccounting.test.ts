/**
 * The moto launcher counts the requests it serves by caller (the SDK app id in the user agent, else
 * `functions`) and operation, with the CPU and wall time spent on them: what the bench's per-event request
 * table is built from.
 */
import { DescribeLimitsCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { requestUsageBetween, requestUsageTable } from '../../../local/services/moto/motoRequestUsage';
import { readMotoStatus } from '../../../local/services/moto/readMotoStatus';
import { awsClientConfig, requireEnv } from '../serviceEnv';

describe('moto launcher request accounting', () => {
  const motoPort = Number(new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).port);

  it('counts each request by caller and operation, with its CPU and wall time', async () => {
    // Prepare
    const tagged = new DynamoDBClient({
      ...awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'),
      userAgentAppId: 'sb-test-caller',
    });
    const untagged = new DynamoDBClient(awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB'));
    const before = await readMotoStatus(motoPort);

    // Act
    for (let i = 0; i < 3; i++) await tagged.send(new ListTablesCommand({}));
    await untagged.send(new DescribeLimitsCommand({}));
    const after = await readMotoStatus(motoPort);
    tagged.destroy();
    untagged.destroy();

    // Assess
    const usage = requestUsageBetween(before, after);
    const listed = usage.find((u) => u.operation === 'sb-test-caller dynamodb:ListTables');
    expect(listed?.count).toBe(3);
    expect(listed?.wallMs).toBeGreaterThan(0);
    expect(listed?.cpuMs).toBeGreaterThanOrEqual(0);
    expect(listed?.cpuMs).toBeLessThanOrEqual((listed?.wallMs ?? 0) + 1);
    expect(
      usage.find((u) => u.operation === 'functions dynamodb:DescribeLimits')?.count,
    ).toBeGreaterThanOrEqual(1);
    expect(requestUsageTable(usage, 3)).toMatch(/sb-test-caller dynamodb:ListTables\s+1\.000/);
  });
});
