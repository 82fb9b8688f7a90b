/**
 * The record encoder switch of the producer. The encoder is process-wide (kafkajs's Produce protocol
 * module), so this file (its own test process) asks for stock kafkajs first, then for the fast encoder.
 * A SCRAM secret that cannot be read stops each connection after the switch is applied and before any
 * network call.
 */
import produce from 'kafkajs/src/protocol/requests/produce/index.js';
import { describe, expect, it } from 'vitest';
import { KafkaProducerProvider } from '../../../lambdas/core/kafka/KafkaProducerProvider';
import { produceEncodingInstalled } from '../../../lambdas/core/kafka/produceEncoding';
import { ScramSecret } from '../../../lambdas/core/kafka/ScramSecret';
import type { KafkaRecordEncoder } from '../../../lambdas/core/kafka/types';
import { Logger } from '../../../lambdas/core/Logger';

function providerStoppedBeforeConnecting(recordEncoder: KafkaRecordEncoder | undefined, lines: string[]) {
  return new KafkaProducerProvider({
    settings: {
      brokers: ['127.0.0.1:9092'],
      auth: 'scram',
      scramSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka',
      compression: 'none',
      ...(recordEncoder ? { recordEncoder } : {}),
    },
    clientId: 'record-encoder-test',
    logger: new Logger('record-encoder-test', { write: (line) => lines.push(line) }),
    scramSecret: new ScramSecret({
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka',
      read: async () => {
        throw new Error('stopped before connecting');
      },
    }),
  });
}

describe('KafkaProducerProvider record encoder switch', () => {
  it('leaves kafkajs as published with STREAMBRIDGE_KAFKA_RECORD_ENCODER=kafkajs', async () => {
    // Prepare
    const lines: string[] = [];
    const provider = providerStoppedBeforeConnecting('kafkajs', lines);

    // Act
    await expect(provider.producer()).rejects.toThrow('stopped before connecting');

    // Assess
    expect(produceEncodingInstalled(produce)).toBe(false);
    expect(lines).toEqual([]);
  });

  it('puts the fast encoder into kafkajs by default', async () => {
    // Prepare
    const provider = providerStoppedBeforeConnecting(undefined, []);

    // Act
    await expect(provider.producer()).rejects.toThrow('stopped before connecting');

    // Assess
    expect(produceEncodingInstalled(produce)).toBe(true);
  });

  it('says so when kafkajs is asked for after the fast encoder was installed in the process', async () => {
    // Prepare
    const lines: string[] = [];
    const provider = providerStoppedBeforeConnecting('kafkajs', lines);

    // Act
    await expect(provider.producer()).rejects.toThrow('stopped before connecting');

    // Assess
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'WARN', recordEncoder: 'kafkajs' }),
    ]);
  });
});
