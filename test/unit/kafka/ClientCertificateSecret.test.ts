import { describe, expect, it } from 'vitest';
import { ClientCertificateSecret } from '../../../lambdas/core/kafka/ClientCertificateSecret';
import { ClientCertificateSecretError } from '../../../lambdas/core/kafka/errors';
import { kafkaSslOptions } from '../../../lambdas/core/kafka/KafkaProducerProvider';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

describe('ClientCertificateSecret', () => {
  it('reads the certificate once and again after invalidate', async () => {
    // Prepare
    let reads = 0;
    const secret = new ClientCertificateSecret({
      secretArn: 'arn:secret',
      read: async () => {
        reads += 1;
        return JSON.stringify({ certificate: CERTIFICATE, privateKey: PRIVATE_KEY });
      },
    });

    // Act
    const first = await secret.certificate();
    const again = await secret.certificate();
    secret.invalidate();
    await secret.certificate();

    // Assess
    expect(first).toEqual({ certificate: CERTIFICATE, privateKey: PRIVATE_KEY });
    expect(again).toBe(first);
    expect(reads).toBe(2);
  });

  it.each([
    ['no SecretString', undefined, 'has no SecretString'],
    ['text that is not JSON', 'cert', 'is not JSON'],
    [
      'no certificate',
      JSON.stringify({ privateKey: PRIVATE_KEY }),
      '"certificate" must be a PEM certificate',
    ],
    [
      'a key that is not PEM',
      JSON.stringify({ certificate: CERTIFICATE, privateKey: 'abc' }),
      '"privateKey" must be a PEM private key',
    ],
  ])('rejects a secret with %s, naming it', async (_label, text, problem) => {
    // Act
    const act = new ClientCertificateSecret({
      secretArn: 'arn:secret',
      read: async () => text,
    }).certificate();

    // Assess
    await expect(act).rejects.toThrow(ClientCertificateSecretError);
    await expect(act).rejects.toThrow(`client certificate secret arn:secret: ${problem}`);
  });
});

describe('kafkaSslOptions', () => {
  it('presents the client certificate and key for mtls, with the key passphrase', () => {
    // Act
    const options = kafkaSslOptions('mtls', {
      certificate: CERTIFICATE,
      privateKey: PRIVATE_KEY,
      privateKeyPassword: 'secret',
    });

    // Assess
    expect(options).toEqual({ cert: CERTIFICATE, key: PRIVATE_KEY, passphrase: 'secret' });
  });

  it('keeps plain TLS for iam and scram, and no TLS for local plaintext', () => {
    expect(kafkaSslOptions('iam')).toBe(true);
    expect(kafkaSslOptions('scram')).toBe(true);
    expect(kafkaSslOptions('plaintext')).toBe(false);
  });
});
