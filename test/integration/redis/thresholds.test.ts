/**
 * Threshold mappings on the real Redis and Kafka: one alert per state change, produced to the alert topic
 * once, in order, under redelivery, a failed send (state committed, outbox kept, flushed by the retry) and a
 * sink restart mid-batch; the current alert set in Redis; silent keys found by the timer; poison readings
 * dead-lettered with the reason; with `alertSns`, each alert on an SQS queue subscribed to the moto SNS
 * topic, and a failed publish kept pending and published by a later flush.
 */
import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import type { Kafka, TopicMessages } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisSinkConfig } from '../../../config/types';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { KafkaProducerProvider } from '../../../lambdas/core/kafka/KafkaProducerProvider';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import { createRedisSinkRoutes } from '../../../lambdas/kafka-to-redis/createRedisSinkHandler';
import {
  ALERT_ID_HEADER,
  THRESHOLD_METRICS,
  thresholdKeys,
} from '../../../lambdas/kafka-to-redis/thresholds/constants';
import { SnsAlertPublisher } from '../../../lambdas/kafka-to-redis/thresholds/SnsAlertPublisher';
import type { AlertProducer } from '../../../lambdas/kafka-to-redis/thresholds/ThresholdEngine';
import type { AlertEvent } from '../../../lambdas/kafka-to-redis/thresholds/types';
import { mskEvent, type RecordSpec } from '../../../local/events/mskEvents';
import { createTestTopic, deleteTestTopic, localKafka } from '../helpers/kafkaMskEvents';
import { awsClientConfig, requireEnv } from '../serviceEnv';

const CONTEXT = { awsRequestId: 'thresholds', getRemainingTimeInMillis: () => 30_000 };
const QUIET = new Logger('thresholds-test', { level: 'ERROR', write: () => undefined });

interface SnsOptions {
  readonly topicArn: string;
  readonly metrics?: Metrics;
}

interface Received {
  readonly id: string;
  readonly alert: AlertEvent;
}

describe('threshold mappings on Redis and Kafka', () => {
  const kafka: Kafka = localKafka('thresholds-test');
  const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
  const producer = new KafkaProducerProvider({
    settings: {
      brokers: requireEnv('KAFKA_BROKERS').split(','),
      auth: 'plaintext',
      compression: 'none',
    } as never,
    clientId: 'thresholds-test',
    logger: QUIET,
  });
  const snsClient = new SNSClient(awsClientConfig('AWS_ENDPOINT_URL_SNS'));
  const sqsClient = new SQSClient(awsClientConfig('AWS_ENDPOINT_URL_SQS'));
  const received: Received[] = [];
  const deadLetters: { reason: string; offset: number }[] = [];
  let alertTopic: string;
  let consumer: ReturnType<Kafka['consumer']>;
  let mapping: string;

  function config(name: string, alertSns?: object): RedisSinkConfig {
    return {
      consumerGroup: `thr-${name}`,
      mappings: [
        {
          name,
          topic: 'readings',
          operation: 'threshold',
          key: '{deviceId}',
          valueField: 'temp',
          above: 80,
          recoverBelow: 70,
          forReadings: 2,
          silenceSeconds: 60,
          alertTopic,
          ...(alertSns ? { alertSns } : {}),
        },
      ],
    } as RedisSinkConfig;
  }

  function sink(name: string, alerts: AlertProducer = producer, sns?: SnsOptions) {
    return createRedisSinkRoutes({
      config: config(name, sns ? {} : undefined),
      redis,
      cluster: false,
      producer: alerts,
      logger: QUIET,
      ...(sns
        ? {
            sns: new SnsAlertPublisher({ client: snsClient }),
            snsTopicArns: { [name]: sns.topicArn },
            metrics: sns.metrics,
          }
        : {}),
      deadLetters: {
        send: async (letters: readonly DeadLetter[]) => {
          for (const letter of letters) {
            deadLetters.push({
              reason: letter.reason,
              offset: (letter.coordinates as { offset: number }).offset,
            });
          }
        },
      },
    });
  }

  function readings(
    deviceId: string,
    temps: readonly (number | string)[],
    from = 0,
    at = Date.now(),
  ): RecordSpec[] {
    return temps.map((temp, i) => ({
      topic: 'readings',
      offset: from + i,
      key: deviceId,
      timestamp: at + i,
      value: { deviceId, temp },
    }));
  }

  const alertsOf = (name: string) => received.filter((r) => r.alert.mapping === name);

  beforeAll(async () => {
    alertTopic = await createTestTopic(kafka, 'alerts');
    consumer = kafka.consumer({ groupId: `thr-reader-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: alertTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          id: message.headers?.[ALERT_ID_HEADER]?.toString() ?? '',
          alert: JSON.parse(message.value?.toString() ?? '{}') as AlertEvent,
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await (await producer.producer()).disconnect();
    await deleteTestTopic(kafka, alertTopic);
    for (const key of await redis.keys('sb:thr:{thr-*')) await redis.del(key);
    redis.disconnect();
  });

  it('emits one alert per state change, in order, and keeps the current alert set in Redis', async () => {
    // Prepare
    mapping = `thr-${randomUUID().slice(0, 8)}`;
    const { handler } = sink(mapping);

    // Act: d1 drifts over (two readings each way), stays, comes back under the recovery bound; d2 only over
    const response = await handler(
      mskEvent([...readings('d1', [50, 85, 90, 95, 75, 65, 60]), ...readings('d2', [81, 82], 7)]),
      CONTEXT,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    await vi.waitFor(() => expect(alertsOf(mapping)).toHaveLength(3), { timeout: 10_000, interval: 50 });
    const d1 = alertsOf(mapping).filter((r) => r.alert.key === 'd1');
    expect(d1.map((r) => [r.id, r.alert.from, r.alert.to, r.alert.value])).toEqual([
      [`${mapping}:d1:1`, 'ok', 'alerting', 90],
      [`${mapping}:d1:2`, 'alerting', 'ok', 60],
    ]);
    const keys = thresholdKeys(mapping);
    expect(await redis.hkeys(keys.alerts)).toEqual(['d2']);
    expect(await redis.hlen(keys.partitionOutbox(`thr-${mapping}`, 'readings', 0))).toBe(0);
    expect(JSON.parse((await redis.hget(keys.state, 'd1')) ?? '{}')).toMatchObject({
      status: 'ok',
      lastValue: 60,
    });
  });

  it('changes nothing and sends nothing new when the batch is redelivered, even by a restarted sink', async () => {
    // Prepare: the same batch again, through a new sink instance (a new execution environment)
    const { handler } = sink(mapping);
    const before = alertsOf(mapping).length;

    // Act
    const response = await handler(
      mskEvent([...readings('d1', [50, 85, 90, 95, 75, 65, 60]), ...readings('d2', [81, 82], 7)]),
      CONTEXT,
    );
    // A marker transition after it, so the consumer has provably read past anything the redelivery sent.
    await handler(mskEvent(readings('d3', [99, 99], 9)), CONTEXT);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    await vi.waitFor(() => expect(alertsOf(mapping).some((r) => r.alert.key === 'd3')).toBe(true), {
      timeout: 10_000,
      interval: 50,
    });
    expect(alertsOf(mapping)).toHaveLength(before + 1);
  });

  it('keeps alerts in the outbox when the send fails, and the redelivered batch flushes them once', async () => {
    // Prepare: a producer that fails its first send (the broker lost mid-batch)
    const name = `thr-${randomUUID().slice(0, 8)}`;
    let failNext = true;
    const flaky: AlertProducer = {
      send: (batch: TopicMessages[], deadlineMs: number) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('broker unavailable'));
        }
        return producer.send(batch, deadlineMs);
      },
    };
    const batch = mskEvent(readings('d9', [90, 91, 60, 55], 0));

    // Act
    const first = await sink(name, flaky).handler(batch, CONTEXT);
    const outbox = thresholdKeys(name).partitionOutbox(`thr-${name}`, 'readings', 0);
    const outboxAfterFailure = await redis.hlen(outbox);
    const second = await sink(name, flaky).handler(batch, CONTEXT);

    // Assess
    expect(first.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'readings-0', offset: 0 } },
    ]);
    expect(outboxAfterFailure).toBe(2);
    expect(second.batchItemFailures).toEqual([]);
    await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(alertsOf(name).map((r) => r.id)).toEqual([`${name}:d9:1`, `${name}:d9:2`]);
    expect(await redis.hlen(outbox)).toBe(0);
  });

  it('sends each alert once when several partitions of one batch flush at the same time', async () => {
    // Prepare: three devices on three partitions, each crossing the bound and coming back
    const name = `thr-${randomUUID().slice(0, 8)}`;
    const { handler } = sink(name);
    const batch = ['p0', 'p1', 'p2'].flatMap((deviceId, partition) =>
      readings(deviceId, [90, 91, 60, 55]).map((spec) => ({ ...spec, partition })),
    );

    // Act
    const response = await handler(mskEvent(batch), CONTEXT);
    // A marker transition after it, so the consumer has provably read past anything sent twice.
    await handler(mskEvent(readings('p9', [99, 99], 4)), CONTEXT);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    await vi.waitFor(() => expect(alertsOf(name).some((r) => r.alert.key === 'p9')).toBe(true), {
      timeout: 10_000,
      interval: 50,
    });
    expect(
      alertsOf(name)
        .map((r) => r.id)
        .sort(),
    ).toEqual(
      ['p0', 'p1', 'p2']
        .flatMap((d) => [`${name}:${d}:1`, `${name}:${d}:2`])
        .concat(`${name}:p9:1`)
        .sort(),
    );
  });

  it('turns keys silent on the timer and back on their next reading', async () => {
    // Prepare: d5 last read 2 minutes ago
    const name = `thr-${randomUUID().slice(0, 8)}`;
    const { handler, timers } = sink(name);
    await handler(mskEvent(readings('d5', [50], 0, Date.now() - 120_000)), CONTEXT);

    // Act
    const swept = await timers[name]?.({} as never);
    await handler(mskEvent(readings('d5', [55], 1)), CONTEXT);

    // Assess
    expect(swept).toEqual({ mapping: name, silenced: 1, produced: 1 });
    await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(alertsOf(name).map((r) => `${r.alert.from}>${r.alert.to}`)).toEqual(['ok>silent', 'silent>ok']);
    expect(await redis.hlen(thresholdKeys(name).alerts)).toBe(0);
  });

  /** The mapping's first `count` alerts on the topic as `<seq> <from>><to>`, once that many arrived. */
  async function transitionsOf(name: string, count: number): Promise<string[]> {
    await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(count), { timeout: 10_000, interval: 50 });
    return alertsOf(name).map((r) => `${r.alert.seq} ${r.alert.from}>${r.alert.to}`);
  }

  /** A producer whose sends fail while `down()` says the broker is down. */
  function broker(down: () => boolean): AlertProducer {
    return {
      send: (batch: TopicMessages[], deadlineMs: number) =>
        down() ? Promise.reject(new Error('broker unavailable')) : producer.send(batch, deadlineMs),
    };
  }

  it('holds a key back from the silence sweep while an alert of it waits in its partition outbox', async () => {
    // Prepare: d6 alerts (seq 1) two minutes ago while the broker was down, so the alert waits in its outbox
    const name = `thr-${randomUUID().slice(0, 8)}`;
    let down = true;
    const { handler, timers } = sink(
      name,
      broker(() => down),
    );
    const batch = mskEvent(readings('d6', [90, 91], 0, Date.now() - 120_000));
    const failed = await handler(batch, CONTEXT);

    // Act: the sweep while the alert waits, then the redelivery with the broker back, then the sweep again
    const heldBack = await timers[name]?.({} as never);
    down = false;
    const redelivered = await handler(batch, CONTEXT);
    const swept = await timers[name]?.({} as never);

    // Assess: the silence alert comes after the one that waited
    expect(failed.batchItemFailures).toHaveLength(1);
    expect(heldBack).toEqual({ mapping: name, silenced: 0, produced: 0 });
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(swept).toEqual({ mapping: name, silenced: 1, produced: 1 });
    expect(await transitionsOf(name, 2)).toEqual(['1 ok>alerting', '2 alerting>silent']);
  });

  it("sends a silence alert that waited in the sweep's outbox before the key's next alert", async () => {
    // Prepare: d8 read two minutes ago; the sweep turns it silent while the broker is down
    const name = `thr-${randomUUID().slice(0, 8)}`;
    let down = false;
    const { handler, timers } = sink(
      name,
      broker(() => down),
    );
    await handler(mskEvent(readings('d8', [50], 0, Date.now() - 120_000)), CONTEXT);
    down = true;
    const sweepFailed = await timers[name]?.({} as never).catch((error: unknown) => error);
    down = false;

    // Act: its next reading, through its partition (the broker is back)
    const response = await handler(mskEvent(readings('d8', [55], 1)), CONTEXT);

    // Assess: silent first, then back to ok, each once
    expect(sweepFailed).toBeInstanceOf(Error);
    expect(response.batchItemFailures).toEqual([]);
    expect(await transitionsOf(name, 2)).toEqual(['1 ok>silent', '2 silent>ok']);
    expect(await redis.hlen(thresholdKeys(name).outbox)).toBe(0);
  });

  it('dead-letters a reading without a numeric value, with the reason, and goes on', async () => {
    // Prepare
    const name = `thr-${randomUUID().slice(0, 8)}`;
    const { handler } = sink(name);

    // Act
    const response = await handler(mskEvent(readings('d7', [90, 'hot', 91], 0)), CONTEXT);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters).toContainEqual({ reason: 'field "temp" is not a number (got "hot")', offset: 1 });
    await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(1), { timeout: 10_000, interval: 50 });
  });

  describe('with alertSns', () => {
    let queueUrl: string;
    let queueArn: string;
    const topicName = `thr-alerts-${randomUUID().slice(0, 8)}`;

    /** The topic (same name, same ARN) with the queue subscribed, raw: the body is the alert JSON. */
    async function topicWithQueue(): Promise<string> {
      const { TopicArn } = await snsClient.send(new CreateTopicCommand({ Name: topicName }));
      await snsClient.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
      return TopicArn as string;
    }

    /** Receives until `count` messages of `name` arrived (bounded): their alert id attributes and alert JSON. */
    async function receive(name: string, count: number): Promise<{ id: string; alert: AlertEvent }[]> {
      const messages: { id: string; alert: AlertEvent }[] = [];
      await vi.waitFor(
        async () => {
          const { Messages } = await sqsClient.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 0,
            }),
          );
          for (const message of Messages ?? []) {
            const alert = JSON.parse(message.Body ?? '{}') as AlertEvent;
            if (alert.mapping !== name) continue;
            messages.push({ id: message.MessageAttributes?.[ALERT_ID_HEADER]?.StringValue ?? '', alert });
          }
          expect(messages.length).toBeGreaterThanOrEqual(count);
        },
        { timeout: 10_000, interval: 100 },
      );
      return messages;
    }

    beforeAll(async () => {
      const created = await sqsClient.send(new CreateQueueCommand({ QueueName: `${topicName}-q` }));
      queueUrl = created.QueueUrl as string;
      const attributes = await sqsClient.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      queueArn = attributes.Attributes?.QueueArn as string;
    });

    afterAll(async () => {
      await sqsClient.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
      const { TopicArn } = await snsClient.send(new CreateTopicCommand({ Name: topicName }));
      await snsClient.send(new DeleteTopicCommand({ TopicArn }));
    });

    it('publishes each transition to the SNS topic once, the alert JSON with its id, as well as to Kafka', async () => {
      // Prepare
      const name = `thr-${randomUUID().slice(0, 8)}`;
      const topicArn = await topicWithQueue();
      const { handler } = sink(name, producer, { topicArn });

      // Act: over and back (two alerts), then the same batch again
      const batch = mskEvent(readings('s1', [90, 91, 60, 55], 0));
      await handler(batch, CONTEXT);
      await handler(batch, CONTEXT);

      // Assess
      const messages = await receive(name, 2);
      expect(messages.map((m) => [m.id, m.alert.alertId, `${m.alert.from}>${m.alert.to}`])).toEqual([
        [`${name}:s1:1`, `${name}:s1:1`, 'ok>alerting'],
        [`${name}:s1:2`, `${name}:s1:2`, 'alerting>ok'],
      ]);
      await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(2), { timeout: 10_000, interval: 50 });
      const outbox = thresholdKeys(name).partitionOutbox(`thr-${name}`, 'readings', 0);
      expect(await redis.hlen(thresholdKeys(name).snsPending(outbox))).toBe(0);
    });

    it('keeps an alert SNS refused pending (counted), and a later flush publishes it', async () => {
      // Prepare: the topic is gone when the transition is flushed
      const name = `thr-${randomUUID().slice(0, 8)}`;
      const topicArn = await topicWithQueue();
      await snsClient.send(new DeleteTopicCommand({ TopicArn: topicArn }));
      const lines: string[] = [];
      const metrics = new Metrics('thresholds-test', { write: (line) => lines.push(line) });
      const { handler } = sink(name, producer, { topicArn, metrics });
      const outbox = thresholdKeys(name).partitionOutbox(`thr-${name}`, 'readings', 0);
      const pending = thresholdKeys(name).snsPending(outbox);

      // Act: a transition while the topic is missing; then the topic back and the partition's next batch
      const first = await handler(mskEvent(readings('s2', [95, 96], 0)), CONTEXT);
      const pendingAfterFailure = await redis.hkeys(pending);
      await topicWithQueue();
      await handler(mskEvent(readings('s2', [97], 2)), CONTEXT);

      // Assess: Kafka had it at once; SNS after the topic came back, once; nothing pending
      expect(first.batchItemFailures).toEqual([]);
      expect(pendingAfterFailure).toEqual([`${name}:s2:1`]);
      expect(lines.map((line) => JSON.parse(line)[THRESHOLD_METRICS.snsPublishFailed])).toContain(1);
      const messages = await receive(name, 1);
      expect(messages.map((m) => m.id)).toEqual([`${name}:s2:1`]);
      await vi.waitFor(() => expect(alertsOf(name)).toHaveLength(1), { timeout: 10_000, interval: 50 });
      expect(await redis.hlen(pending)).toBe(0);
    });
  });
});
