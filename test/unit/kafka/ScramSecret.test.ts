import { describe, expect, it } from 'vitest';
import { ScramSecretError } from '../../../lambdas/core/kafka/errors';
import { ScramSecret } from '../../../lambdas/core/kafka/ScramSecret';

describe('ScramSecret', () => {
  it('reads the secret once and again after invalidate', async () => {
    // Prepare
    let reads = 0;
    const secret = new ScramSecret({
      secretArn: 'arn:secret',
      read: async () => {
        reads += 1;
        return JSON.stringify({ username: 'bridge', password: `p${reads}` });
      },
    });

    // Act
    const first = await secret.credentials();
    const again = await secret.credentials();
    secret.invalidate();
    const rotated = await secret.credentials();

    // Assess
    expect(first).toEqual({ username: 'bridge', password: 'p1' });
    expect(again).toBe(first);
    expect(rotated.password).toBe('p2');
  });

  it('rejects a secret without username and password, naming it', async () => {
    // Act
    const act = new ScramSecret({ secretArn: 'arn:secret', read: async () => '{"user":"x"}' }).credentials();

    // Assess
    await expect(act).rejects.toThrow(ScramSecretError);
    await expect(act).rejects.toThrow(
      'SCRAM secret arn:secret: must hold non-empty "username" and "password"',
    );
  });
});
