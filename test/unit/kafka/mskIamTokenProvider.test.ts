import { describe, expect, it } from 'vitest';
import { mskIamTokenProvider } from '../../../lambdas/core/kafka/mskIamTokenProvider';

describe('mskIamTokenProvider', () => {
  it('reuses a token until shortly before it expires, then signs a new one', async () => {
    // Prepare
    let now = 1_000_000;
    let signed = 0;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      now: () => now,
      refreshMarginMs: 60_000,
      generate: async ({ region }) => {
        signed += 1;
        return { token: `${region}-token-${signed}`, expiryTime: now + 900_000 };
      },
    });

    // Act
    const first = await provider();
    now += 800_000;
    const cached = await provider();
    now += 50_000;
    const refreshed = await provider();

    // Assess
    expect(first.value).toBe('eu-west-1-token-1');
    expect(cached.value).toBe('eu-west-1-token-1');
    expect(refreshed.value).toBe('eu-west-1-token-2');
  });

  it('signs once for concurrent connections', async () => {
    // Prepare
    let signed = 0;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      generate: async () => {
        signed += 1;
        return { token: 't', expiryTime: Date.now() + 900_000 };
      },
    });

    // Act
    await Promise.all([provider(), provider(), provider()]);

    // Assess
    expect(signed).toBe(1);
  });
});
