/**
 * The bootstrap brokers of a handler: `KAFKA_BROKERS` when set, else the MSK cluster's broker string for
 * the auth mode, from kafka:GetBootstrapBrokers (CloudFormation exposes no such attribute). The producer
 * provider calls this once per execution environment and caches the result.
 *
 * @example
 * ```ts
 * const brokers = await resolveBootstrapBrokers(settings); // ['b-1.c.kafka.eu-west-1.amazonaws.com:9098', …]
 * ```
 */
import type { GetBootstrapBrokersCommandOutput } from '@aws-sdk/client-kafka';
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { BootstrapBrokersError } from './errors';
import type { KafkaAuthMode, KafkaSettings } from './types';

type BrokerStringField = keyof Omit<GetBootstrapBrokersCommandOutput, '$metadata'>;

/** Which broker strings serve each auth mode, private (VPC) endpoints first. */
const BROKER_STRINGS: Record<KafkaAuthMode, readonly BrokerStringField[]> = {
  iam: ['BootstrapBrokerStringSaslIam', 'BootstrapBrokerStringPublicSaslIam'],
  scram: ['BootstrapBrokerStringSaslScram', 'BootstrapBrokerStringPublicSaslScram'],
  mtls: ['BootstrapBrokerStringTls', 'BootstrapBrokerStringPublicTls'],
  plaintext: ['BootstrapBrokerString'],
};

export type SendGetBootstrapBrokers = (
  command: GetBootstrapBrokersCommand,
) => Promise<Partial<GetBootstrapBrokersCommandOutput>>;

export async function resolveBootstrapBrokers(
  settings: KafkaSettings,
  send: SendGetBootstrapBrokers = (command) =>
    new KafkaClient(settings.region ? { region: settings.region } : {}).send(command),
): Promise<string[]> {
  if (settings.brokers?.length) return [...settings.brokers];
  const clusterArn = settings.clusterArn;
  if (!clusterArn) throw new BootstrapBrokersError('no brokers and no MSK cluster ARN to resolve them from');
  const output = await send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const fields = BROKER_STRINGS[settings.auth];
  const brokerString = fields.map((field) => output[field]).find((value) => typeof value === 'string');
  if (!brokerString) {
    throw new BootstrapBrokersError(
      `cluster ${clusterArn} has no ${fields.join(' or ')} (is ${settings.auth} auth enabled on it?)`,
    );
  }
  return brokerString
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
