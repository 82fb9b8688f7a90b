/**
 * The `localstack` project really runs on LocalStack: its SQS and Kinesis endpoints are a LocalStack
 * gateway that reports both services, a queue made there is not on moto, and DynamoDB stays on moto. Without
 * this the other files of the project could pass on a silent fall-back to moto and kinesis-mock.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { readMotoStatus } from '../../local/services/moto/readMotoStatus';
import { awsClientConfig, requireEnv } from '../integration/serviceEnv';

interface LocalStackHealth {
  services: Record<string, string>;
}

describe('the localstack project runs on LocalStack', () => {
  it('sends SQS, Kinesis and S3 to one LocalStack gateway that serves them, DynamoDB and Streams to moto', async () => {
    // Prepare
    const localstack = requireEnv('AWS_ENDPOINT_URL_SQS');

    // Act
    const health = (await (await fetch(`${localstack}/_localstack/health`)).json()) as LocalStackHealth;
    const moto = await readMotoStatus(Number(new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).port));

    // Assess
    expect(requireEnv('STREAMBRIDGE_AWS_TARGET')).toBe('localstack');
    expect(requireEnv('AWS_ENDPOINT_URL_KINESIS')).toBe(localstack);
    expect(requireEnv('AWS_ENDPOINT_URL_S3')).toBe(localstack);
    expect(requireEnv('AWS_ENDPOINT_URL_DYNAMODB_STREAMS')).toBe(requireEnv('AWS_ENDPOINT_URL_DYNAMODB'));
    for (const service of ['sqs', 'kinesis', 's3']) {
      expect(health.services[service], service).toMatch(/^(available|running)$/);
    }
    // LocalStack knows DynamoDB but was not started with it (it would need DynamoDB Local).
    expect(health.services.dynamodb).toBe('disabled');
    expect(moto.settings).toBeDefined();
  });

  it('keeps a queue made on the SQS endpoint on LocalStack, not on moto', async () => {
    // Prepare
    const sqs = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
    const moto = new SQSClient({ ...awsClientConfig('AWS_ENDPOINT_URL_DYNAMODB') });
    const name = `sb-target-${randomUUID().slice(0, 8)}`;
    try {
      // Act
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const onLocalStack = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      const onMoto = await moto.send(new ListQueuesCommand({ QueueNamePrefix: name }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));

      // Assess
      expect(QueueUrl).toBe(`${requireEnv('AWS_ENDPOINT_URL_SQS')}/000000000000/${name}`);
      expect(onLocalStack.QueueUrls).toEqual([QueueUrl]);
      expect(onMoto.QueueUrls ?? []).toEqual([]);
    } finally {
      sqs.destroy();
      moto.destroy();
    }
  });
});
