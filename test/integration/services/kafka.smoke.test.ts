import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireEnv } from '../serviceEnv';

describe('local Kafka', () => {
  const kafka = new Kafka({
    clientId: 'services-smoke',
    brokers: requireEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `smoke-${randomUUID()}`;
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('delivers a produced message to a consumer (produce + consume round trip)', async () => {
    // Prepare
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    const received: { key: string; value: string }[] = [];
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: String(message.key), value: String(message.value) });
      },
    });

    try {
      // Act
      await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'hello' }] });

      // Assess
      await vi.waitFor(() => expect(received).toEqual([{ key: 'k1', value: 'hello' }]), {
        timeout: 30_000,
        interval: 100,
      });
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    }
  });

  it('refuses to produce to a topic nobody created (auto-creation is off)', async () => {
    // Prepare
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();

    try {
      // Act
      const send = producer.send({ topic: `missing-${randomUUID()}`, messages: [{ value: 'x' }] });

      // Assess
      await expect(send).rejects.toThrow(/does not host this topic-partition/);
    } finally {
      await producer.disconnect();
    }
  });
});
