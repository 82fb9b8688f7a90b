import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { kafkaSettingsFromEnv } from '../../../lambdas/core/kafka/kafkaSettingsFromEnv';

const BROKERS = 'b-1.c.kafka.eu-west-1.amazonaws.com:9098';

describe('kafkaSettingsFromEnv', () => {
  it('defaults to IAM auth and gzip', () => {
    // Act
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: BROKERS, AWS_REGION: 'eu-west-1' });

    // Assess
    expect(settings).toEqual({
      brokers: ['b-1.c.kafka.eu-west-1.amazonaws.com:9098'],
      auth: 'iam',
      compression: 'gzip',
      region: 'eu-west-1',
    });
  });

  it('does not take a cluster ARN in place of the brokers (they are resolved at deploy time)', () => {
    // Act
    const act = () =>
      kafkaSettingsFromEnv({
        MSK_CLUSTER_ARN: 'arn:aws:kafka:eu-west-1:123456789012:cluster/streambridge/abc-123',
        AWS_REGION: 'eu-west-1',
      });

    // Assess
    expect(act).toThrow(/KAFKA_BROKERS: must be set/);
  });

  it('reads plaintext brokers for local servers', () => {
    // Act
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19094',
      KAFKA_AUTH: 'plaintext',
      KAFKA_COMPRESSION: 'none',
    });

    // Assess
    expect(settings).toEqual({
      brokers: ['127.0.0.1:19092', '127.0.0.1:19094'],
      auth: 'plaintext',
      compression: 'none',
    });
  });

  it('reads the record encoder switch (unset: the producer uses its default)', () => {
    // Act
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: '127.0.0.1:19092',
      KAFKA_AUTH: 'plaintext',
      STREAMBRIDGE_KAFKA_RECORD_ENCODER: 'kafkajs',
    });

    // Assess
    expect(settings.recordEncoder).toBe('kafkajs');
    expect(
      kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_AUTH: 'plaintext' }),
    ).not.toHaveProperty('recordEncoder');
  });

  it('names every wrong variable at once', () => {
    // Act
    const act = () =>
      kafkaSettingsFromEnv({
        KAFKA_BROKERS: 'nohost',
        KAFKA_AUTH: 'kerberos',
        KAFKA_COMPRESSION: 'zstd',
        STREAMBRIDGE_KAFKA_RECORD_ENCODER: 'faster',
      });

    // Assess
    expect(act).toThrow(ConfigError);
    try {
      act();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        'KAFKA_BROKERS: "nohost" is not host:port',
        'KAFKA_AUTH: must be one of iam, scram, mtls, plaintext (got "kerberos")',
        'KAFKA_COMPRESSION: must be one of gzip, none (got "zstd")',
        'STREAMBRIDGE_KAFKA_RECORD_ENCODER: must be one of fast, kafkajs (got "faster")',
        'AWS_REGION: must be set to sign MSK IAM authentication',
      ]);
    }
  });

  it('requires the brokers, and the secret for SCRAM', () => {
    // Act
    const act = () => kafkaSettingsFromEnv({ KAFKA_AUTH: 'scram' });

    // Assess
    expect(act).toThrow(/KAFKA_BROKERS: must be set/);
    expect(act).toThrow(/KAFKA_SCRAM_SECRET_ARN: must be set when KAFKA_AUTH is scram/);
  });

  it('reads a client certificate secret for mTLS, and requires it', () => {
    // Act
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: 'kafka-1.internal:9094',
      KAFKA_AUTH: 'mtls',
      KAFKA_CLIENT_CERTIFICATE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-cert',
    });
    const missing = () =>
      kafkaSettingsFromEnv({ KAFKA_BROKERS: 'kafka-1.internal:9094', KAFKA_AUTH: 'mtls' });

    // Assess
    expect(settings).toMatchObject({
      brokers: ['kafka-1.internal:9094'],
      auth: 'mtls',
      clientCertificateSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-cert',
    });
    expect(missing).toThrow(/KAFKA_CLIENT_CERTIFICATE_SECRET_ARN: must be set when KAFKA_AUTH is mtls/);
  });
});
