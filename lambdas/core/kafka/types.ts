import type { KAFKA_AUTH_MODES, KAFKA_COMPRESSIONS, KAFKA_RECORD_ENCODERS } from './constants';

export type KafkaAuthMode = (typeof KAFKA_AUTH_MODES)[number];
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];
export type KafkaRecordEncoder = (typeof KAFKA_RECORD_ENCODERS)[number];

/** How a handler reaches Kafka, read once from its environment (`kafkaSettingsFromEnv`). */
export interface KafkaSettings {
  /** Bootstrap brokers (`KAFKA_BROKERS`), resolved at deploy time. */
  readonly brokers: readonly string[];
  readonly auth: KafkaAuthMode;
  /** Secrets Manager secret with `{ "username", "password" }`, for `scram`. */
  readonly scramSecretArn?: string;
  /** Secrets Manager secret with `{ "certificate", "privateKey" }` (PEM), for `mtls`. */
  readonly clientCertificateSecretArn?: string;
  readonly compression: KafkaCompression;
  /** Who encodes the records of a Produce request (default `KAFKA_DEFAULTS.recordEncoder`, `fast`). */
  readonly recordEncoder?: KafkaRecordEncoder;
  /** Region for MSK IAM signing and the AWS clients. */
  readonly region?: string;
}

/** A TLS client certificate and its key (PEM), as Lambda's `CLIENT_CERTIFICATE_TLS_AUTH` secret holds them. */
export interface ClientCertificate {
  readonly certificate: string;
  readonly privateKey: string;
  /** Passphrase of an encrypted private key. */
  readonly privateKeyPassword?: string;
}

export interface ScramCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * One message to produce, its estimated size on the wire already computed. Key and value are text:
 * kafkajs writes text straight into its request buffer, so encoding it first would only add a copy.
 */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  /** `null` for a tombstone. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Estimated size of this record inside a record batch (see `recordBytes`). */
  readonly bytes: number;
}
