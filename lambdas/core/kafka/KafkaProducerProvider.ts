/**
 * The Kafka producer of a handler: created and connected on the first send, shared by every later
 * invocation, replaced after a failed send; acks=all, the configured compression, auth and record encoder
 * (docs/handlers.md, "Kafka producer").
 */
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, logCreator, Producer, SASLOptions, TopicMessages } from 'kafkajs';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Logger } from '../Logger';
import { type Lazy, lazyInit } from '../lazyInit';
import { ClientCertificateSecret } from './ClientCertificateSecret';
import { KAFKA_DEFAULTS, PRODUCER_ACKS, PRODUCER_TIMEOUTS } from './constants';
import { SendDeadlineError } from './errors';
import { mskIamTokenProvider } from './mskIamTokenProvider';
import type { ProduceEncodingOutcome } from './produceEncoding';
import { installProduceEncoding, produceEncodingInstalled } from './produceEncoding';
import { ScramSecret } from './ScramSecret';
import type { ClientCertificate, KafkaSettings } from './types';

export interface KafkaProducerProviderOptions {
  readonly settings: KafkaSettings;
  readonly clientId: string;
  readonly logger: Logger;
  /** Replaces the Secrets Manager read of the SCRAM secret (tests). */
  readonly scramSecret?: ScramSecret;
  /** Replaces the Secrets Manager read of the client certificate (tests). */
  readonly clientCertificateSecret?: ClientCertificateSecret;
}

/**
 * kafkajs's `ssl` option for an auth mode: off for `plaintext`, the client certificate and key for `mtls`
 * (the brokers' certificate is checked against the runtime's trusted CAs), plain TLS otherwise.
 *
 * @example
 * ```ts
 * kafkaSslOptions('mtls', { certificate, privateKey }); // { cert, key }
 * ```
 */
export function kafkaSslOptions(
  auth: KafkaSettings['auth'],
  certificate?: ClientCertificate,
): boolean | ConnectionOptions {
  if (auth === 'plaintext') return false;
  if (auth !== 'mtls') return true;
  if (!certificate) throw new Error('mtls needs the client certificate');
  return {
    cert: certificate.certificate,
    key: certificate.privateKey,
    ...(certificate.privateKeyPassword ? { passphrase: certificate.privateKeyPassword } : {}),
  };
}

/** Resolves with `work`, or rejects with {@link SendDeadlineError} when `ms` pass first. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendDeadlineError(ms)), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function kafkajsLogs(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      const write =
        level === logLevel.ERROR ? logger.error : level === logLevel.WARN ? logger.warn : logger.debug;
      write.call(logger, `kafkajs: ${message}`, { kafkajs: namespace, ...fields });
    };
}

/**
 * One producer per execution environment, connected on first use, replaced after a failed send.
 *
 * @example
 * ```ts
 * const kafka = new KafkaProducerProvider({ settings: kafkaSettingsFromEnv(), clientId: 'ddb-stream-to-kafka', logger });
 * await kafka.send(topicMessages(messages), 25_000);
 * ```
 */
export class KafkaProducerProvider {
  readonly #options: KafkaProducerProviderOptions;
  readonly #scramSecret: ScramSecret | undefined;
  readonly #clientCertificateSecret: ClientCertificateSecret | undefined;
  readonly #producer: Lazy<Producer> = lazyInit(() => this.#connect());

  constructor(options: KafkaProducerProviderOptions) {
    this.#options = options;
    const { settings } = options;
    this.#scramSecret =
      settings.auth === 'scram'
        ? (options.scramSecret ??
          new ScramSecret({ secretArn: settings.scramSecretArn as string, region: settings.region }))
        : undefined;
    this.#clientCertificateSecret =
      settings.auth === 'mtls'
        ? (options.clientCertificateSecret ??
          new ClientCertificateSecret({
            secretArn: settings.clientCertificateSecretArn as string,
            region: settings.region,
          }))
        : undefined;
  }

  /** The connected producer, created on first call; concurrent callers share one connection attempt. */
  producer(): Promise<Producer> {
    return this.#producer.get();
  }

  /**
   * One `sendBatch` (acks=-1, configured compression). Rejects when it fails or does not finish within
   * `deadlineMs`; the producer is then dropped, and the next send reconnects.
   */
  async send(batch: TopicMessages[], deadlineMs: number): Promise<void> {
    const work = this.producer().then((producer) =>
      producer.sendBatch({
        topicMessages: batch,
        acks: PRODUCER_ACKS.all,
        timeout: PRODUCER_TIMEOUTS.ackTimeoutMs,
        compression:
          this.#options.settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      }),
    );
    // After a deadline the send may still settle; its outcome no longer matters (the records are reported).
    work.catch(() => undefined);
    try {
      await withDeadline(work, deadlineMs);
    } catch (error) {
      await this.reset(error);
      throw error;
    }
  }

  /**
   * Drops the producer (disconnecting it, bounded); after an auth failure the SCRAM secret, after a failed
   * connection the client certificate (a TLS handshake refused for it looks like one), is re-read.
   */
  async reset(cause?: unknown): Promise<void> {
    const failure = (cause as Error | undefined)?.name;
    if (failure === 'KafkaJSSASLAuthenticationError') this.#scramSecret?.invalidate();
    if (failure === 'KafkaJSConnectionError') this.#clientCertificateSecret?.invalidate();
    const current = this.#producer.reset();
    if (!current) return;
    const disconnected = current.then((producer) => producer.disconnect()).catch(() => undefined);
    await withDeadline(disconnected, PRODUCER_TIMEOUTS.disconnectMs).catch(() => undefined);
  }

  async #connect(): Promise<Producer> {
    const { settings, clientId, logger } = this.#options;
    const brokers = [...settings.brokers];
    const encoding = await this.#recordEncoding();
    const config: KafkaConfig = {
      clientId,
      brokers,
      ssl: kafkaSslOptions(settings.auth, await this.#clientCertificateSecret?.certificate()),
      connectionTimeout: PRODUCER_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: PRODUCER_TIMEOUTS.requestTimeoutMs,
      retry: {
        retries: PRODUCER_TIMEOUTS.retries,
        initialRetryTime: PRODUCER_TIMEOUTS.initialRetryTimeMs,
        maxRetryTime: PRODUCER_TIMEOUTS.maxRetryTimeMs,
      },
      logLevel: logLevel.WARN,
      logCreator: kafkajsLogs(logger),
    };
    const sasl = await this.#sasl();
    if (sasl) config.sasl = sasl;
    const producer = new Kafka(config).producer({
      allowAutoTopicCreation: false,
      // Java-compatible murmur2: a key lands on the partition any Kafka client would pick.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: config.retry,
    });
    await producer.connect();
    logger.info('kafka producer connected', {
      brokers: brokers.length,
      auth: settings.auth,
      produceEncoding: encoding,
    });
    return producer;
  }

  /**
   * Puts the `fast` record encoder into kafkajs when the settings ask for it (the default); `kafkajs` leaves
   * kafkajs as published. The encoder is process-wide: a Lambda process runs one handler, one setting.
   */
  async #recordEncoding(): Promise<ProduceEncodingOutcome | 'off'> {
    const { settings, logger } = this.#options;
    const encoder = settings.recordEncoder ?? KAFKA_DEFAULTS.recordEncoder;
    if (encoder === 'kafkajs') {
      if (produceEncodingInstalled()) {
        logger.warn('the fast record encoder was installed in this process before; kafkajs keeps using it', {
          recordEncoder: encoder,
        });
      }
      return 'off';
    }
    const outcome = await installProduceEncoding();
    if (outcome === 'mismatch') {
      logger.warn('kafkajs encodes records differently than expected; using its own record encoder', {
        produceEncoding: outcome,
      });
    }
    return outcome;
  }

  async #sasl(): Promise<SASLOptions | undefined> {
    const { settings } = this.#options;
    if (settings.auth === 'iam') {
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: mskIamTokenProvider({ region: settings.region as string }),
      };
    }
    if (this.#scramSecret) {
      const { username, password } = await this.#scramSecret.credentials();
      return { mechanism: 'scram-sha-512', username, password };
    }
    return undefined;
  }
}
