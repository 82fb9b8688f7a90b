/**
 * kafka-topic-provisioner: the handler of `Custom::KafkaTopic` resources, which declare the pipeline's
 * topics on clusters without `AWS::MSK::Topic` (MSK Serverless). It connects with the Kafka settings of
 * `HANDLER_ENV` (MSK IAM in AWS, plaintext locally), carries out the request, and always answers
 * CloudFormation, before the function's own timeout, with the reason when it fails.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { HANDLER_NAMES } from '../core/constants';
import { withDeadline } from '../core/kafka/KafkaProducerProvider';
import { kafkaSettingsFromEnv } from '../core/kafka/kafkaSettingsFromEnv';
import { mskIamTokenProvider } from '../core/kafka/mskIamTokenProvider';
import { ScramSecret } from '../core/kafka/ScramSecret';
import type { KafkaSettings } from '../core/kafka/types';
import { Logger } from '../core/Logger';
import { lazyInit } from '../core/lazyInit';
import { sendCloudFormationResponse } from './cloudFormationResponse';
import { PROVISIONER_LIMITS } from './constants';
import { TopicProvisioner } from './TopicProvisioner';

const logger = new Logger(HANDLER_NAMES.kafkaTopicProvisioner);
/** Read and checked on the first request (a wrong setting fails it, naming the variable, and the next retries). */
const kafkaSettings = lazyInit(() => kafkaSettingsFromEnv());

async function sasl(settings: KafkaSettings): Promise<SASLOptions | undefined> {
  if (settings.auth === 'iam') {
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider: mskIamTokenProvider({ region: settings.region as string }),
    };
  }
  if (settings.auth === 'scram') {
    const secret = new ScramSecret({ secretArn: settings.scramSecretArn as string, region: settings.region });
    const { username, password } = await secret.credentials();
    return { mechanism: 'scram-sha-512', username, password };
  }
  return undefined;
}

async function provision(event: CloudFormationCustomResourceEvent): Promise<string> {
  const settings = await kafkaSettings.get();
  const brokers = [...settings.brokers];
  const auth = await sasl(settings);
  const admin = new Kafka({
    clientId: HANDLER_NAMES.kafkaTopicProvisioner,
    brokers,
    ssl: settings.auth !== 'plaintext',
    logLevel: logLevel.WARN,
    ...(auth ? { sasl: auth } : {}),
  }).admin();
  await admin.connect();
  try {
    return await new TopicProvisioner(admin).apply(event);
  } finally {
    await admin.disconnect();
  }
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  logger.setContext({
    requestId: context.awsRequestId,
    request: event.RequestType,
    resource: event.LogicalResourceId,
  });
  const fallbackId =
    event.RequestType === 'Create' ? `${event.LogicalResourceId}-not-created` : event.PhysicalResourceId;
  try {
    const physicalResourceId = await withDeadline(
      provision(event),
      context.getRemainingTimeInMillis() - PROVISIONER_LIMITS.responseMarginMs,
    );
    logger.info('topic provisioned', { topic: physicalResourceId });
    await sendCloudFormationResponse(event, {
      status: 'SUCCESS',
      physicalResourceId,
      data: { TopicName: physicalResourceId },
    });
  } catch (error) {
    logger.error('topic provisioning failed', { error });
    await sendCloudFormationResponse(event, {
      status: 'FAILED',
      physicalResourceId: fallbackId,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}
