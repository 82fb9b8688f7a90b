import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markReplay } from '../../../lambdas/core/replayEvent';
import { LocalReplayTarget } from '../../../local/replay/localReplayTarget';
import type { LocalDeployment, LocalFunction } from '../../../local/runtime/types';

/** The local replay target runs a deployed function's asset in the local runtime's function runner. */
describe('LocalReplayTarget', () => {
  let assetDir: string;
  let target: LocalReplayTarget;
  const fn = (
    functionName: string,
    handler: string,
    environment: Record<string, string> = {},
  ): LocalFunction => ({
    logicalId: functionName,
    functionName,
    assetDir,
    handler,
    environment,
    timeoutSeconds: 10,
    memoryMb: 256,
  });

  beforeAll(() => {
    assetDir = mkdtempSync(join(tmpdir(), 'sb-replay-asset-'));
    writeFileSync(
      join(assetDir, 'index.js'),
      [
        'exports.echo = async (event) => ({ batchItemFailures: [], mark: event.streambridgeReplay ?? null });',
        "exports.fail = async () => { throw new Error('sink still down'); };",
      ].join('\n'),
    );
    const deployment = {
      functions: [
        fn('app-echo', 'index.echo', { DEAD_LETTER_QUEUE_URL: 'http://q/dlq' }),
        fn('app-fail', 'index.fail'),
      ],
    } as unknown as LocalDeployment;
    target = new LocalReplayTarget(deployment, { ...process.env, AWS_REGION: 'eu-west-1' });
  });

  afterAll(async () => {
    await target?.close();
    rmSync(assetDir, { recursive: true, force: true });
  });

  it('lists the functions with their ARNs and dead-letter queues', async () => {
    expect(await target.functions()).toEqual([
      {
        name: 'app-echo',
        arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app-echo',
        deadLetterQueueUrl: 'http://q/dlq',
      },
      { name: 'app-fail', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app-fail' },
    ]);
  });

  it('invokes the function with the marked event and answers its result or its error', async () => {
    // Act
    const echoed = await target.invoke('app-echo', markReplay({ records: {} }, { source: 's3', id: 'k' }));
    const failed = await target.invoke('app-fail', {});
    // Assess
    expect(echoed).toEqual({ ok: true, payload: { batchItemFailures: [], mark: { source: 's3', id: 'k' } } });
    expect(failed.ok).toBe(false);
    expect(failed.ok ? '' : failed.error).toContain('sink still down');
  });
});
