import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { ChangeBridgeSlice } from '../config/validatePipelineConfig';
import { HANDLER_ENV } from '../lambdas/core/constants';
import type { CacheAccess, KafkaAccess } from './types';

/**
 * The `HANDLER_ENV` variables of a Kafka producer (the change bridges): the bootstrap brokers (resolved at
 * deploy time, so a cold start needs no MSK API call), the authentication, the SCRAM or client certificate secret, the
 * compression, and the secret holding the salt of governance hashes when the sources hash attributes
 * (never a secret's value: anyone who may read the function's configuration would have it).
 *
 * @example
 * ```ts
 * kafkaProducerEnvironment({ clusterArn, bootstrapBrokers, auth: 'iam', compression: 'gzip' }); // { KAFKA_BROKERS: ..., KAFKA_AUTH: 'iam', ... }
 * ```
 */
export function kafkaProducerEnvironment(
  kafka: KafkaAccess,
  governanceSalt?: secretsmanager.ISecret,
): Record<string, string> {
  return {
    // The secret's ARN only: the handler reads the salt with its role when it starts.
    ...(governanceSalt ? { [HANDLER_ENV.governanceHashSaltSecretArn]: governanceSalt.secretArn } : {}),
    [HANDLER_ENV.kafkaBrokers]: kafka.bootstrapBrokers,
    [HANDLER_ENV.kafkaAuth]: kafka.auth,
    [HANDLER_ENV.kafkaCompression]: kafka.compression,
    ...(kafka.scramSecret ? { [HANDLER_ENV.kafkaScramSecretArn]: kafka.scramSecret.secretArn } : {}),
    ...(kafka.clientCertificateSecret
      ? { [HANDLER_ENV.kafkaClientCertificateSecretArn]: kafka.clientCertificateSecret.secretArn }
      : {}),
  };
}

/** Whether any source of a change bridge hashes attributes (and so needs the governance salt). */
export function hashesAttributes(slice: ChangeBridgeSlice): boolean {
  return slice.sources.some((source) => (source.governance?.hash?.length ?? 0) > 0);
}

/** The `HANDLER_ENV` variables of the Redis sink: endpoint, TLS (on unless an existing cache has none), secret and cluster mode. */
export function redisEnvironment(cache: CacheAccess): Record<string, string> {
  return {
    [HANDLER_ENV.redisHost]: cache.host,
    [HANDLER_ENV.redisPort]: cache.port,
    [HANDLER_ENV.redisTls]: String(cache.tls ?? true),
    [HANDLER_ENV.redisSecretArn]: cache.secret.secretArn,
    [HANDLER_ENV.redisClusterMode]: String(cache.clusterMode),
  };
}
