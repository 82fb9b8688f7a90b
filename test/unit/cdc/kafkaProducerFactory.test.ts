import type { GetBootstrapBrokersCommand } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/errors';
import { RECORD_BATCH_OVERHEAD_BYTES } from '../../../lambdas/core/kafka/constants';
import {
  BootstrapBrokersError,
  ScramSecretError,
  SendDeadlineError,
} from '../../../lambdas/core/kafka/errors';
import { withDeadline } from '../../../lambdas/core/kafka/KafkaProducerProvider';
import { kafkaSettingsFromEnv } from '../../../lambdas/core/kafka/kafkaSettingsFromEnv';
import { recordBytes, splitIntoSends, topicMessages } from '../../../lambdas/core/kafka/messageSizes';
import { mskIamTokenProvider } from '../../../lambdas/core/kafka/mskIamTokenProvider';
import { resolveBootstrapBrokers } from '../../../lambdas/core/kafka/resolveBootstrapBrokers';
import { ScramSecret } from '../../../lambdas/core/kafka/ScramSecret';
import type { OutgoingMessage } from '../../../lambdas/core/kafka/types';

const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streambridge/abc-123';

describe('kafkaSettingsFromEnv', () => {
  it('defaults to IAM auth and gzip, resolving brokers from the cluster ARN', () => {
    // Act
    const settings = kafkaSettingsFromEnv({ MSK_CLUSTER_ARN: CLUSTER });

    // Assess
    expect(settings).toEqual({ clusterArn: CLUSTER, auth: 'iam', compression: 'gzip', region: 'eu-west-1' });
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

  it('names every wrong variable at once', () => {
    // Act
    const act = () =>
      kafkaSettingsFromEnv({ KAFKA_BROKERS: 'nohost', KAFKA_AUTH: 'kerberos', KAFKA_COMPRESSION: 'zstd' });

    // Assess
    expect(act).toThrow(ConfigError);
    try {
      act();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        'KAFKA_BROKERS: "nohost" is not host:port',
        'KAFKA_AUTH: must be one of iam, scram, plaintext (got "kerberos")',
        'KAFKA_COMPRESSION: must be one of gzip, none (got "zstd")',
        'AWS_REGION: must be set to sign MSK IAM authentication',
      ]);
    }
  });

  it('requires brokers or a cluster, and the secret for SCRAM', () => {
    // Act
    const act = () => kafkaSettingsFromEnv({ KAFKA_AUTH: 'scram' });

    // Assess
    expect(act).toThrow(/KAFKA_BROKERS or MSK_CLUSTER_ARN: one of them must be set/);
    expect(act).toThrow(/KAFKA_SCRAM_SECRET_ARN: must be set when KAFKA_AUTH is scram/);
  });
});

describe('resolveBootstrapBrokers', () => {
  it('uses KAFKA_BROKERS without calling MSK', async () => {
    // Act
    const brokers = await resolveBootstrapBrokers(
      { brokers: ['127.0.0.1:19092'], auth: 'plaintext', compression: 'none' },
      async () => {
        throw new Error('must not be called');
      },
    );

    // Assess
    expect(brokers).toEqual(['127.0.0.1:19092']);
  });

  it('picks the broker string of the auth mode from GetBootstrapBrokers', async () => {
    // Prepare
    const asked: string[] = [];
    const send = async (command: GetBootstrapBrokersCommand) => {
      asked.push(command.input.ClusterArn as string);
      return {
        BootstrapBrokerStringSaslIam: 'b-1.x:9098,b-2.x:9098',
        BootstrapBrokerStringSaslScram: 'b-1.x:9096',
      };
    };

    // Act
    const iam = await resolveBootstrapBrokers(
      { clusterArn: CLUSTER, auth: 'iam', compression: 'gzip' },
      send,
    );
    const scram = await resolveBootstrapBrokers(
      { clusterArn: CLUSTER, auth: 'scram', compression: 'gzip' },
      send,
    );

    // Assess
    expect(iam).toEqual(['b-1.x:9098', 'b-2.x:9098']);
    expect(scram).toEqual(['b-1.x:9096']);
    expect(asked).toEqual([CLUSTER, CLUSTER]);
  });

  it('says which broker string is missing', async () => {
    // Act
    const act = resolveBootstrapBrokers(
      { clusterArn: CLUSTER, auth: 'iam', compression: 'gzip' },
      async () => ({
        BootstrapBrokerString: 'b-1.x:9092',
      }),
    );

    // Assess
    await expect(act).rejects.toThrow(BootstrapBrokersError);
    await expect(act).rejects.toThrow(
      /has no BootstrapBrokerStringSaslIam or BootstrapBrokerStringPublicSaslIam/,
    );
  });
});

describe('mskIamTokenProvider', () => {
  it('reuses a token until shortly before it expires, then signs a new one', async () => {
    // Prepare
    let now = 1_000_000;
    let signed = 0;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      now: () => now,
      refreshMarginMs: 60_000,
      generate: async ({ region }) => {
        signed += 1;
        return { token: `${region}-token-${signed}`, expiryTime: now + 900_000 };
      },
    });

    // Act
    const first = await provider();
    now += 800_000;
    const cached = await provider();
    now += 50_000;
    const refreshed = await provider();

    // Assess
    expect(first.value).toBe('eu-west-1-token-1');
    expect(cached.value).toBe('eu-west-1-token-1');
    expect(refreshed.value).toBe('eu-west-1-token-2');
  });

  it('signs once for concurrent connections', async () => {
    // Prepare
    let signed = 0;
    const provider = mskIamTokenProvider({
      region: 'eu-west-1',
      generate: async () => {
        signed += 1;
        return { token: 't', expiryTime: Date.now() + 900_000 };
      },
    });

    // Act
    await Promise.all([provider(), provider(), provider()]);

    // Assess
    expect(signed).toBe(1);
  });
});

describe('ScramSecret', () => {
  it('reads the secret once and again after invalidate', async () => {
    // Prepare
    let reads = 0;
    const secret = new ScramSecret({
      secretArn: 'arn:secret',
      read: async () => {
        reads += 1;
        return JSON.stringify({ username: 'bridge', password: `p${reads}` });
      },
    });

    // Act
    const first = await secret.credentials();
    const again = await secret.credentials();
    secret.invalidate();
    const rotated = await secret.credentials();

    // Assess
    expect(first).toEqual({ username: 'bridge', password: 'p1' });
    expect(again).toBe(first);
    expect(rotated.password).toBe('p2');
  });

  it('rejects a secret without username and password, naming it', async () => {
    // Act
    const act = new ScramSecret({ secretArn: 'arn:secret', read: async () => '{"user":"x"}' }).credentials();

    // Assess
    await expect(act).rejects.toThrow(ScramSecretError);
    await expect(act).rejects.toThrow(
      'SCRAM secret arn:secret: must hold non-empty "username" and "password"',
    );
  });
});

function message(topic: string, size: number, key = 'k'): OutgoingMessage {
  const value = 'x'.repeat(size);
  return {
    topic,
    key,
    value,
    headers: {},
    bytes: recordBytes(key, value, {}),
  };
}

describe('splitIntoSends', () => {
  it('keeps a batch in one send when every topic fits its limit', () => {
    // Prepare
    const messages = [message('a', 100), message('b', 100), message('a', 100)];

    // Act
    const sends = splitIntoSends(messages, { maxMessageBytes: () => 1_000, partitions: () => 1 });

    // Assess
    expect(sends).toEqual([messages]);
  });

  it('starts a new send, in order, before a topic would exceed its limit', () => {
    // Prepare
    const messages = [message('a', 400), message('a', 400), message('b', 10), message('a', 400)];
    const limit = RECORD_BATCH_OVERHEAD_BYTES + 2 * (messages[0] as OutgoingMessage).bytes;

    // Act
    const sends = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 1 });

    // Assess
    expect(sends.map((send) => send.length)).toEqual([3, 1]);
    expect(sends.flat()).toEqual(messages);
  });

  it('counts per predicted partition, so keys spread over partitions share one send', () => {
    // Prepare: two keys that murmur2 puts on different partitions of a 2-partition topic.
    const [k1, k2] = ['k1', 'k3'];
    const messages = [message('a', 400, k1), message('a', 400, k2)];
    const limit = RECORD_BATCH_OVERHEAD_BYTES + (messages[0] as OutgoingMessage).bytes;

    // Act
    const onePartition = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 1 });
    const twoPartitions = splitIntoSends(messages, { maxMessageBytes: () => limit, partitions: () => 2 });

    // Assess
    expect(onePartition.map((send) => send.length)).toEqual([1, 1]);
    expect(twoPartitions.map((send) => send.length)).toEqual([2]);
  });

  it('groups a send by topic for sendBatch, keeping order within a topic', () => {
    // Prepare
    const messages = [message('a', 1, 'k1'), message('b', 1, 'k2'), message('a', 1, 'k3')];

    // Act
    const batch = topicMessages(messages);

    // Assess
    expect(batch.map((t) => [t.topic, t.messages.map((m) => String(m.key))])).toEqual([
      ['a', ['k1', 'k3']],
      ['b', ['k2']],
    ]);
  });
});

describe('withDeadline', () => {
  it('rejects when the work outlasts the deadline', async () => {
    // Act
    const act = withDeadline(new Promise(() => undefined), 20);

    // Assess
    await expect(act).rejects.toThrow(SendDeadlineError);
  });
});
