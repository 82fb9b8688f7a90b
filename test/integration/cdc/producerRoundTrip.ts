/**
 * The producer's round trip through the real broker, byte for byte, with one record encoder: messages of every
 * shape (text and bytes, tombstones, header lists, no timestamp) over two topics in one send, read back.
 * Each test file that runs it is a test process of its own, so the process-wide encoder is the one it asks for.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Message, TopicMessages } from 'kafkajs';
import produce from 'kafkajs/src/protocol/requests/produce/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaProducerProvider } from '../../../lambdas/core/kafka/KafkaProducerProvider';
import { produceEncodingInstalled } from '../../../lambdas/core/kafka/produceEncoding';
import type { KafkaCompression, KafkaRecordEncoder } from '../../../lambdas/core/kafka/types';
import { Logger } from '../../../lambdas/core/Logger';
import { requireEnv } from '../serviceEnv';
import {
  createTopics,
  deleteTopics,
  localKafka,
  readTopic,
  type TopicMessage,
  uniqueName,
} from './cdcTestKit';

/** Messages of every shape a producer may hand kafkajs: text and bytes, tombstones, header lists, no timestamp. */
function messagesOfEveryShape(): Message[] {
  return [
    {
      key: 'order-1',
      value: '{"op":"c","after":{"name":"Zoë 😀"}}',
      headers: { 'content-type': 'application/json', bin: Buffer.from([0, 255, 1]) },
      timestamp: '1764144000000',
    },
    {
      key: randomBytes(32),
      value: randomBytes(200_000),
      headers: { many: ['first', 'second'], empty: '' },
      timestamp: '1764144000500',
    },
    { key: 'order-1', value: null, headers: { 'sb-op': 'd' }, timestamp: '1764144000001' },
    { key: 'lone', value: 'a\ud800b', headers: {} },
    { key: '', value: '' },
  ];
}

function bytes(value: Message['value'] | Message['key']): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

/** What a consumer reads back of a message sent as `sent`: header lists as lists, text as UTF-8 bytes. */
function expectedHeaders(sent: Message): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const [name, value] of Object.entries(sent.headers ?? {})) {
    out[name] = Array.isArray(value)
      ? value.map((v) => bytes(v as string) as Buffer)
      : (bytes(value as string) as Buffer);
  }
  return out;
}

/** Registers the round-trip tests (uncompressed and gzip) for `recordEncoder`. */
export function describeProducerRoundTrip(recordEncoder: KafkaRecordEncoder): void {
  const kafka = localKafka();
  const topics: string[] = [];

  afterAll(async () => {
    await deleteTopics(kafka, topics);
  });

  describe.each<KafkaCompression>(['none', 'gzip'])(
    `the producer with the ${recordEncoder} record encoder (%s)`,
    (compression) => {
      let provider: KafkaProducerProvider;

      beforeAll(() => {
        provider = new KafkaProducerProvider({
          settings: {
            brokers: requireEnv('KAFKA_BROKERS').split(','),
            auth: 'plaintext',
            compression,
            recordEncoder,
          },
          clientId: 'produce-encoding-test',
          logger: new Logger('produce-encoding-test', { write: () => undefined }),
        });
      });

      afterAll(async () => {
        await provider.reset();
      });

      it('delivers every key, value, header and timestamp byte for byte, over two topics in one send', async () => {
        // Prepare
        const single = uniqueName('sb-encoding-one');
        const spread = uniqueName('sb-encoding-three');
        topics.push(single, spread);
        await createTopics(kafka, [
          { topic: single, numPartitions: 1 },
          { topic: spread, numPartitions: 3 },
        ]);
        const sent = messagesOfEveryShape();
        const spreadSent = Array.from({ length: 30 }, (_, i) => ({ key: `k-${i}`, value: `v-${i}` }));
        const batch: TopicMessages[] = [
          { topic: single, messages: sent },
          { topic: spread, messages: spreadSent },
        ];
        const before = Date.now();

        // Act
        await provider.send(batch, 30_000);
        const after = Date.now();

        // Assess: the encoder asked for was the one in kafkajs's Produce protocol, as the broker looks it up.
        const { requests } = createRequire(import.meta.url)('kafkajs/src/protocol/requests') as {
          requests: { Produce: unknown };
        };
        expect(requests.Produce).toBe(produce);
        expect(produceEncodingInstalled(produce)).toBe(recordEncoder === 'fast');
        const read = await readTopic(kafka, single, sent.length);
        expect(read).toHaveLength(sent.length);
        read.forEach(({ raw }: TopicMessage, i) => {
          const message = sent[i] as Message;
          expect(raw.key, `key ${i}`).toEqual(bytes(message.key) ?? null);
          expect(raw.value, `value ${i}`).toEqual(bytes(message.value));
          expect(raw.headers, `headers ${i}`).toEqual(expectedHeaders(message));
          if (message.timestamp) {
            expect(raw.timestamp, `timestamp ${i}`).toBe(message.timestamp);
          } else {
            expect(Number(raw.timestamp)).toBeGreaterThanOrEqual(before);
            expect(Number(raw.timestamp)).toBeLessThanOrEqual(after);
          }
        });
        const spreadRead = await readTopic(kafka, spread, spreadSent.length);
        expect(spreadRead.map((m) => [m.key, m.value]).sort()).toEqual(
          spreadSent.map((m) => [m.key, m.value]).sort(),
        );
        expect(new Set(spreadRead.map((m) => m.partition)).size).toBe(3);
      });
    },
  );
}
