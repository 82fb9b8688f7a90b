/**
 * The kafka-topic-provisioner handler against the real local Kafka broker (plaintext) and a local HTTP
 * server standing in for CloudFormation's pre-signed response URL: create, grow, refuse to shrink, delete.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/kafka-topic-provisioner/index';
import { pollUntil } from '../../../local/services/pollUntil';
import { requireEnv } from '../serviceEnv';

interface CfnAnswer {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  RequestId: string;
}

const topic = `sb-provisioned-${randomUUID().slice(0, 8)}`;
const answers: CfnAnswer[] = [];
let server: Server;
let responseUrl: string;
let admin: Admin;

const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
  old?: Record<string, unknown>,
): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provisioner',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
    RequestId: randomUUID(),
    LogicalResourceId: 'Topic',
    ResourceType: 'Custom::KafkaTopic',
    ResourceProperties: { ServiceToken: 'x', ...properties },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: topic }),
    ...(old ? { OldResourceProperties: { ServiceToken: 'x', ...old } } : {}),
  } as CloudFormationCustomResourceEvent;
}

async function answerTo(request: CloudFormationCustomResourceEvent): Promise<CfnAnswer> {
  await handler(request, context);
  const answer = answers.find((a) => a.RequestId === request.RequestId);
  if (!answer) throw new Error('the handler did not answer CloudFormation');
  return answer;
}

async function partitions(): Promise<number> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  return metadata.topics[0]?.partitions.length ?? 0;
}

async function config(name: string): Promise<string | undefined> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
  });
  return described.resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
}

const base = { TopicName: topic, PartitionCount: '3', ReplicationFactor: '1' };

beforeAll(async () => {
  process.env.KAFKA_BROKERS = requireEnv('KAFKA_BROKERS');
  process.env.KAFKA_AUTH = 'plaintext';
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      answers.push(JSON.parse(body) as CfnAnswer);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
  admin = new Kafka({ brokers: [requireEnv('KAFKA_BROKERS')], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  await new Promise((resolve) => server.close(resolve));
});

describe('kafka-topic-provisioner', () => {
  it('creates the topic with its partitions and configs', async () => {
    const answer = await answerTo(event('Create', { ...base, Configs: { 'cleanup.policy': 'compact' } }));
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: topic });
    expect(await partitions()).toBe(3);
    expect(await config('cleanup.policy')).toBe('compact');
  });

  it('grows the partitions and sets exactly the declared configs on update', async () => {
    const answer = await answerTo(
      event(
        'Update',
        { ...base, PartitionCount: '5', Configs: { 'retention.ms': '3600000' } },
        { ...base, Configs: { 'cleanup.policy': 'compact' } },
      ),
    );
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: topic });
    // The provisioner answers once the new partitions have leaders.
    expect(await partitions()).toBe(5);
    // A KRaft broker applies a config change through its metadata log: describeConfigs can show the old
    // values for a moment after alterConfigs returned.
    const configs = await pollUntil(
      async () => {
        const seen = { retention: await config('retention.ms'), cleanup: await config('cleanup.policy') };
        if (seen.retention !== '3600000' || seen.cleanup !== 'delete')
          throw new Error(`configs still ${JSON.stringify(seen)}`);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(configs).toEqual({ ok: true });
  });

  it('refuses to shrink the partitions, telling CloudFormation why', async () => {
    const answer = await answerTo(
      event('Update', { ...base, PartitionCount: '2' }, { ...base, PartitionCount: '5' }),
    );
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toContain('partitions cannot shrink (5 → 2)');
    expect(await partitions()).toBe(5);
  });

  it('answers a failed create with the reason and a placeholder id', async () => {
    const answer = await answerTo(
      event('Create', { ...base, TopicName: `${topic}-bad`, PartitionCount: '0' }),
    );
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'Topic-not-created' });
    expect(answer.Reason).toContain('PartitionCount: must be a positive integer');
  });

  it('deletes the topic', async () => {
    const answer = await answerTo(event('Delete', base));
    expect(answer.Status).toBe('SUCCESS');
    const gone = await pollUntil(
      async () => {
        if ((await admin.listTopics()).includes(topic)) throw new Error(`${topic} still listed`);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(gone).toEqual({ ok: true });
  });
});
