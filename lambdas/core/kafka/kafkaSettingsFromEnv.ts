/**
 * Reads the Kafka connection settings from a handler's environment (the contract in `HANDLER_ENV`) and
 * checks them all at once, so a wrong deployment fails its first invocation with every variable named.
 *
 * @example
 * ```ts
 * const settings = kafkaSettingsFromEnv(); // { brokers: ['b-1…:9098'], auth: 'iam', compression: 'gzip', … }
 * ```
 */
import { ConfigError } from '../../../config/errors';
import { HANDLER_ENV } from '../constants';
import { envChoice } from '../handlerEnv';
import { KAFKA_AUTH_MODES, KAFKA_COMPRESSIONS, KAFKA_DEFAULTS, KAFKA_RECORD_ENCODERS } from './constants';
import type { KafkaAuthMode, KafkaCompression, KafkaSettings } from './types';

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const issues: string[] = [];
  const brokerList = env[HANDLER_ENV.kafkaBrokers]?.trim();
  const brokers = brokerList
    ? brokerList
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : undefined;
  for (const broker of brokers ?? []) {
    if (!BROKER.test(broker)) issues.push(`${HANDLER_ENV.kafkaBrokers}: "${broker}" is not host:port`);
  }
  // Resolved at deploy time (Custom::KafkaBootstrapBrokers): a cold start never asks the MSK API.
  if (!brokers?.length) issues.push(`${HANDLER_ENV.kafkaBrokers}: must be set`);
  const auth: KafkaAuthMode = envChoice(
    HANDLER_ENV.kafkaAuth,
    KAFKA_AUTH_MODES,
    KAFKA_DEFAULTS.auth,
    env,
    issues,
  );
  const compression: KafkaCompression = envChoice(
    HANDLER_ENV.kafkaCompression,
    KAFKA_COMPRESSIONS,
    KAFKA_DEFAULTS.compression,
    env,
    issues,
  );
  const recordEncoder = env[HANDLER_ENV.kafkaRecordEncoder]
    ? envChoice(
        HANDLER_ENV.kafkaRecordEncoder,
        KAFKA_RECORD_ENCODERS,
        KAFKA_DEFAULTS.recordEncoder,
        env,
        issues,
      )
    : undefined;
  const scramSecretArn = env[HANDLER_ENV.kafkaScramSecretArn]?.trim() || undefined;
  if (auth === 'scram' && !scramSecretArn) {
    issues.push(`${HANDLER_ENV.kafkaScramSecretArn}: must be set when ${HANDLER_ENV.kafkaAuth} is scram`);
  }
  const clientCertificateSecretArn = env[HANDLER_ENV.kafkaClientCertificateSecretArn]?.trim() || undefined;
  if (auth === 'mtls' && !clientCertificateSecretArn) {
    issues.push(
      `${HANDLER_ENV.kafkaClientCertificateSecretArn}: must be set when ${HANDLER_ENV.kafkaAuth} is mtls`,
    );
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (auth === 'iam' && !region) {
    issues.push('AWS_REGION: must be set to sign MSK IAM authentication');
  }
  if (issues.length > 0) throw new ConfigError(issues, 'invalid Kafka settings');
  return {
    brokers: brokers ?? [],
    auth,
    ...(scramSecretArn ? { scramSecretArn } : {}),
    ...(clientCertificateSecretArn ? { clientCertificateSecretArn } : {}),
    compression,
    ...(recordEncoder ? { recordEncoder } : {}),
    ...(region ? { region } : {}),
  };
}
