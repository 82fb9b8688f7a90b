/**
 * The TLS client certificate of a handler (`KAFKA_AUTH=mtls`), read from Secrets Manager once per execution
 * environment in the format Lambda's `CLIENT_CERTIFICATE_TLS_AUTH` uses, so the event source mappings and the
 * producers share one secret. `invalidate()` (after a failed TLS handshake) makes the next connection read
 * it again, so a renewed certificate is picked up without a cold start.
 *
 * @example
 * ```ts
 * const secret = new ClientCertificateSecret({ secretArn: process.env.KAFKA_CLIENT_CERTIFICATE_SECRET_ARN! });
 * const { certificate, privateKey } = await secret.certificate();
 * ```
 */
import { type Lazy, lazyInit } from '../lazyInit';
import { type ReadSecretString, readSecretString } from '../secrets';
import { ClientCertificateSecretError } from './errors';
import type { ClientCertificate } from './types';

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

export class ClientCertificateSecret {
  readonly #secretArn: string;
  readonly #read: ReadSecretString;
  readonly #certificate: Lazy<ClientCertificate> = lazyInit(() => this.#load());

  constructor(options: { secretArn: string; region?: string; read?: ReadSecretString }) {
    this.#secretArn = options.secretArn;
    this.#read = options.read ?? ((secretArn) => readSecretString(secretArn, options.region));
  }

  certificate(): Promise<ClientCertificate> {
    return this.#certificate.get();
  }

  invalidate(): void {
    this.#certificate.reset();
  }

  async #load(): Promise<ClientCertificate> {
    const text = await this.#read(this.#secretArn);
    if (!text) throw new ClientCertificateSecretError(this.#secretArn, 'has no SecretString');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ClientCertificateSecretError(this.#secretArn, 'is not JSON');
    }
    const { certificate, privateKey, privateKeyPassword } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof certificate !== 'string' || !PEM.test(certificate)) {
      throw new ClientCertificateSecretError(this.#secretArn, '"certificate" must be a PEM certificate');
    }
    if (typeof privateKey !== 'string' || !PEM.test(privateKey)) {
      throw new ClientCertificateSecretError(this.#secretArn, '"privateKey" must be a PEM private key');
    }
    if (privateKeyPassword !== undefined && typeof privateKeyPassword !== 'string') {
      throw new ClientCertificateSecretError(this.#secretArn, '"privateKeyPassword" must be a string');
    }
    return { certificate, privateKey, ...(privateKeyPassword ? { privateKeyPassword } : {}) };
  }
}
