import type { GetBootstrapBrokersCommand } from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { BootstrapBrokersError } from '../../../lambdas/core/kafka/errors';
import { resolveBootstrapBrokers } from '../../../lambdas/core/kafka/resolveBootstrapBrokers';

const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streambridge/abc-123';

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
