/**
 * The SASL/OAUTHBEARER token provider of MSK IAM auth: tokens are signed with the execution role's
 * credentials by aws-msk-iam-sasl-signer-js, cached, and replaced before they expire (kafkajs asks for a
 * token on every connection and re-authentication).
 *
 * @example
 * ```ts
 * const sasl = { mechanism: 'oauthbearer', oauthBearerProvider: mskIamTokenProvider({ region: 'eu-west-1' }) };
 * ```
 */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import type { OauthbearerProviderResponse } from 'kafkajs';
import { MSK_IAM_TOKEN } from './constants';

export interface MskIamTokenProviderOptions {
  readonly region: string;
  /** The signer; replaceable in tests. */
  readonly generate?: (options: { region: string }) => Promise<{ token: string; expiryTime: number }>;
  readonly now?: () => number;
  readonly refreshMarginMs?: number;
}

export function mskIamTokenProvider(
  options: MskIamTokenProviderOptions,
): () => Promise<OauthbearerProviderResponse> {
  const generate = options.generate ?? generateAuthToken;
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? MSK_IAM_TOKEN.refreshMarginMs;
  let cached: { token: string; expiryTime: number } | undefined;
  let pending: Promise<{ token: string; expiryTime: number }> | undefined;
  return async () => {
    if (cached && now() < cached.expiryTime - margin) return { value: cached.token };
    // Connections to several brokers ask at once: one signing serves them all.
    pending ??= generate({ region: options.region }).finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return { value: cached.token };
  };
}
