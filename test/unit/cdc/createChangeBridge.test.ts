import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { createChangeBridge } from '../../../lambdas/core/change-bridge/createChangeBridge';

const slice = {
  sources: [{ name: 'sb-orders', partitionKey: { name: 'orderId', type: 'S' }, topic: 'orders.changes' }],
  topics: [{ name: 'orders.changes', partitions: 3 }],
};

const env = {
  STREAMBRIDGE_CONFIG: JSON.stringify(slice),
  KAFKA_BROKERS: '127.0.0.1:19092',
  KAFKA_AUTH: 'plaintext',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:14566/000000000000/dlq',
};

describe('createChangeBridge (cold start)', () => {
  it('builds a bridge from a complete environment without connecting to anything', () => {
    // Act
    const bridge = createChangeBridge('ddb-stream-to-kafka', env, { write: () => undefined });

    // Assess
    expect(bridge).toBeDefined();
  });

  it.each([
    ['the dead-letter queue', { DEAD_LETTER_QUEUE_URL: '' }, /DEAD_LETTER_QUEUE_URL: is not set/],
    ['the config', { STREAMBRIDGE_CONFIG: undefined }, /STREAMBRIDGE_CONFIG: is not set/],
    [
      'a config topic reference',
      { STREAMBRIDGE_CONFIG: JSON.stringify({ ...slice, topics: [{ name: 'other', partitions: 1 }] }) },
      /sources\[0\]\.topic: topic "orders.changes" is not declared/,
    ],
    ['the brokers', { KAFKA_BROKERS: undefined }, /KAFKA_BROKERS: must be set/],
    [
      'the envelope writer switch',
      { STREAMBRIDGE_ENVELOPE_WRITER: 'fast' },
      /STREAMBRIDGE_ENVELOPE_WRITER: must be one of compiled, general \(got "fast"\)/,
    ],
    [
      'the record encoder switch',
      { STREAMBRIDGE_KAFKA_RECORD_ENCODER: 'compiled' },
      /STREAMBRIDGE_KAFKA_RECORD_ENCODER: must be one of fast, kafkajs \(got "compiled"\)/,
    ],
  ])('fails naming %s when it is missing or wrong', (_, override, message) => {
    // Act
    const act = () =>
      createChangeBridge('kinesis-to-kafka', { ...env, ...override }, { write: () => undefined });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it('warns when governance hashes without a salt', () => {
    // Prepare
    const lines: string[] = [];
    const hashing = { ...slice, sources: [{ ...slice.sources[0], governance: { hash: ['email'] } }] };

    // Act
    createChangeBridge(
      'ddb-stream-to-kafka',
      { ...env, STREAMBRIDGE_CONFIG: JSON.stringify(hashing) },
      {
        write: (line) => lines.push(line),
      },
    );

    // Assess
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'WARN', tables: ['sb-orders'], set: 'GOVERNANCE_HASH_SALT' }),
    ]);
  });
});
