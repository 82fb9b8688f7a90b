/**
 * Real Kafka → MSK-shaped Lambda events, for sink integration tests: create a topic, produce messages with
 * kafkajs, consume them back and convert them to the exact `MSKEvent` Lambda delivers (base64 key and value,
 * headers as byte arrays, records grouped by `topic-partition` in offset order). Slicing helpers then build
 * the batches Lambda would deliver (a redelivery from an offset, a batch split in two).
 *
 * @example
 * ```ts
 * const kafka = localKafka();
 * const topic = await createTestTopic(kafka, 'clicks', 2);
 * await produceMessages(kafka, topic, [{ key: 'p1', value: { page: 'p1' } }]);
 * const event = await consumeAsMskEvent(kafka, topic, 1);
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { IHeaders } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicsAndWait } from '../../../local/deploy/deployTopic';
import { requireEnv } from '../serviceEnv';

export interface TestMessage {
  readonly key?: string | null;
  /** An object is JSON-encoded, a string sent as is, null makes a tombstone. */
  readonly value: unknown;
  readonly partition?: number;
  readonly headers?: Record<string, string>;
}

/** A kafkajs client of the local broker (quiet logs). */
export function localKafka(clientId = 'sink-tests'): Kafka {
  return new Kafka({ clientId, brokers: requireEnv('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
}

/** Creates a topic with a unique name (`<prefix>-<uuid>`) and waits for its leaders. */
export async function createTestTopic(kafka: Kafka, prefix: string, partitions = 1): Promise<string> {
  const topic = `${prefix}-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [{ topic, numPartitions: partitions }]);
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export async function deleteTestTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/** Produces the messages in order (acks from all replicas), in one request. */
export async function produceMessages(kafka: Kafka, topic: string, messages: readonly TestMessage[]) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value: m.value === null ? null : typeof m.value === 'string' ? m.value : JSON.stringify(m.value),
        ...(m.partition === undefined ? {} : { partition: m.partition }),
        ...(m.headers ? { headers: m.headers } : {}),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

function headerBytes(headers: IHeaders | undefined): MSKRecord['headers'] {
  return Object.entries(headers ?? {}).map(([name, value]) => {
    const first = Array.isArray(value) ? value[0] : value;
    const bytes = first === undefined ? Buffer.alloc(0) : Buffer.from(first);
    return { [name]: [...bytes] };
  });
}

/**
 * Consumes the topic from the beginning with a fresh consumer group until `count` messages arrived (bounded
 * by `timeoutMs`), and returns them as one MSK event.
 */
export async function consumeAsMskEvent(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<MSKEvent> {
  const consumer = kafka.consumer({ groupId: `sink-tests-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: MSKRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          topic,
          partition,
          offset: Number(message.offset),
          timestamp: Number(message.timestamp),
          timestampType: 'CREATE_TIME',
          key: message.key ? message.key.toString('base64') : (null as unknown as string),
          value: message.value ? message.value.toString('base64') : (null as unknown as string),
          headers: headerBytes(message.headers),
        });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (records.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`consumed ${records.length} of ${count} messages from ${topic} in ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return mskEventOf(records);
}

/** Groups records into an MSK event (by `topic-partition`, in offset order). */
export function mskEventOf(records: readonly MSKRecord[]): MSKEvent {
  const grouped: Record<string, MSKRecord[]> = {};
  for (const record of [...records].sort((a, b) => a.offset - b.offset)) {
    const id = `${record.topic}-${record.partition}`;
    grouped[id] ??= [];
    grouped[id].push(record);
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn:
      'arn:aws:kafka:us-east-1:000000000000:cluster/local/00000000-0000-0000-0000-000000000000-1',
    bootstrapServers: requireEnv('KAFKA_BROKERS'),
    records: grouped,
  };
}

/** Every record of an event, in partition then offset order. */
export function recordsOf(event: MSKEvent): MSKRecord[] {
  return Object.values(event.records).flat();
}

/** The records of an event that pass `keep` (a redelivery from an offset, one half of a split batch). */
export function selectRecords(event: MSKEvent, keep: (record: MSKRecord) => boolean): MSKEvent {
  return mskEventOf(recordsOf(event).filter(keep));
}
