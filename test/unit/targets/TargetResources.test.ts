import { describe, expect, it } from 'vitest';
import { AwsTargetError } from '../../../local/services/errors';
import { TargetResourceError, TargetResources } from '../../targets/TargetResources';

const realAws = { STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1', AWS_REGION: 'eu-west-1' };

/** A fake resource store: what exists, and what was deleted in which order. */
function account(names: string[] = []) {
  const existing = new Set(names);
  const deleted: string[] = [];
  const remover = (name: string) => async () => {
    existing.delete(name);
    deleted.push(name);
  };
  return { existing, deleted, remover };
}

describe('TargetResources: the guards of a run on a real account', () => {
  it.each([
    [{ STREAMBRIDGE_AWS_TARGET: 'aws', AWS_REGION: 'eu-west-1' }, /STREAMBRIDGE_AWS_ALLOW_REAL=1/],
    [{ STREAMBRIDGE_AWS_TARGET: 'aws', STREAMBRIDGE_AWS_ALLOW_REAL: '1' }, /needs a region/],
    [{ ...realAws, AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:14566' }, /AWS_ENDPOINT_URL_SQS must be unset/],
  ])('refuses the aws target without its allow, a region and real endpoints: %o', (env, reason) => {
    // Act
    const create = () => new TargetResources({ env, runId: 'r1a2b3' });

    // Assess
    expect(create).toThrow(AwsTargetError);
    expect(create).toThrow(reason);
  });

  it('gives every name the run id, unique per call, in a form every service takes', () => {
    // Prepare
    const resources = new TargetResources({ env: realAws, runId: 'r1a2b3' });

    // Act
    const names = Array.from({ length: 50 }, () => resources.name('sb-cdc-dlq'));

    // Assess
    expect(resources.target).toBe('aws');
    expect(new Set(names).size).toBe(50);
    for (const name of names) expect(name).toMatch(/^sbt-r1a2b3-sb-cdc-dlq-[0-9a-f]{6}$/);
    expect(() => resources.name('Orders_Table')).toThrow(TargetResourceError);
    expect(() => resources.name('x'.repeat(60))).toThrow(/at most 63 characters/);
  });

  it('two runs never share a name prefix', () => {
    // Act
    const first = new TargetResources({ env: realAws });
    const second = new TargetResources({ env: realAws });

    // Assess
    expect(first.prefix).toMatch(/^sbt-[0-9a-f]{6}-$/);
    expect(first.prefix).not.toBe(second.prefix);
  });

  it('deletes only what it tracked, newest first, and never a name of another run or of the account', async () => {
    // Prepare: the account holds someone's table and another run's queue, which must survive
    const resources = new TargetResources({ env: realAws, runId: 'r1a2b3' });
    const other = new TargetResources({ env: realAws, runId: 'z9y8x7' });
    const table = resources.name('orders');
    const stream = resources.name('orders-kds');
    const theirs = other.name('orders');
    const store = account(['prod-orders', theirs, table, stream]);
    resources.track('DynamoDB table', table, store.remover(table));
    resources.track('Kinesis stream', stream, store.remover(stream));

    // Act
    const refusals = [
      () => resources.track('DynamoDB table', 'prod-orders', store.remover('prod-orders')),
      () => resources.track('SQS queue', theirs, store.remover(theirs)),
      () => resources.track('DynamoDB table', table, store.remover(table)),
    ].map((attempt) => {
      try {
        attempt();
        return undefined;
      } catch (error) {
        return error;
      }
    });
    const releaseUntracked = await resources.release('prod-orders').catch((error: unknown) => error);
    const report = await resources.cleanup();

    // Assess
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(TargetResourceError);
    expect(String(refusals[0])).toMatch(/was not named by this run \(sbt-r1a2b3-…\)/);
    expect(String(refusals[2])).toMatch(/already tracked/);
    expect(String(releaseUntracked)).toMatch(/not tracked by this run: not deleting it/);
    expect(store.deleted).toEqual([stream, table]);
    expect([...store.existing].sort()).toEqual(['prod-orders', theirs].sort());
    expect(report).toEqual({ deleted: [stream, table], failed: [], notAttempted: [] });
    expect(resources.names).toEqual([]);
  });

  it('holds a bounded number of resources', () => {
    // Prepare
    const resources = new TargetResources({ env: realAws, runId: 'r1a2b3', maxResources: 2 });
    const store = account();
    for (const base of ['a1', 'a2']) {
      const name = resources.name(base);
      resources.track('SQS queue', name, store.remover(name));
    }

    // Act
    const third = resources.name('a3');
    const overLimit = () => resources.track('SQS queue', third, store.remover(third));

    // Assess
    expect(overLimit).toThrow(/already holds 2 resources/);
    expect(resources.names).toHaveLength(2);
  });

  it('bounds each delete and the whole clean-up in time, reporting what failed or was not reached', async () => {
    // Prepare: a delete that never answers, one that fails, then ones the clean-up has no time left for
    const resources = new TargetResources({
      env: realAws,
      runId: 'r1a2b3',
      deleteTimeoutMs: 200,
      cleanupTimeoutMs: 300,
    });
    const names = ['late', 'broken', 'hung'].map((base) => resources.name(base));
    const [late, broken, hung] = names;
    resources.track('SQS queue', late, async () => undefined);
    resources.track('SQS queue', broken, async () => {
      throw new Error('AccessDenied');
    });
    resources.track('SQS queue', hung, () => new Promise<void>(() => undefined));

    // Act
    const began = Date.now();
    const report = await resources.cleanup();

    // Assess
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(report.failed).toEqual([
      { name: hung, error: `deleting SQS queue "${hung}": no answer within 200 ms` },
      { name: broken, error: 'AccessDenied' },
    ]);
    expect(report.deleted.length + report.notAttempted.length).toBe(1);
    expect(resources.names).toEqual([]);
  });

  it('works the same on the local targets, where no allow is needed', () => {
    // Act
    const resources = new TargetResources({
      env: { STREAMBRIDGE_AWS_TARGET: 'localstack' },
      runId: 'r1a2b3',
    });

    // Assess
    expect(resources.target).toBe('localstack');
    expect(resources.name('orders')).toMatch(/^sbt-r1a2b3-orders-[0-9a-f]{6}$/);
  });
});
