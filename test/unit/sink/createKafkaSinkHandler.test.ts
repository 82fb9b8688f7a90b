import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { SinkObservability } from '../../../lambdas/core/sink/createKafkaSinkHandler';
import { createKafkaSinkHandler } from '../../../lambdas/core/sink/createKafkaSinkHandler';
import { PartitionApplyError } from '../../../lambdas/core/sink/errors';
import type { PartitionEvents } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { createDynamoSinkHandler } from '../../../lambdas/kafka-to-dynamodb/createDynamoSinkHandler';
import { createRedisSinkHandler } from '../../../lambdas/kafka-to-redis/createRedisSinkHandler';
import type { RedisClient } from '../../../lambdas/kafka-to-redis/redisConnection';
import { mskEvent } from '../../../local/events/mskEvents';

/** EMF lines as objects. */
function emf(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createKafkaSinkHandler', () => {
  it('builds the partition sink once, with the logger and metrics the loop writes to', async () => {
    // Prepare
    const built: SinkObservability[] = [];
    const applied: PartitionEvents[] = [];
    const logger = new Logger('test-sink', { write: () => undefined });
    const metrics = new Metrics('test-sink', { write: () => undefined });
    const handle = createKafkaSinkHandler({
      name: 'test-sink',
      sink: (observability) => {
        built.push(observability);
        return {
          applyPartition: async (batch) => {
            applied.push(batch);
            return {};
          },
        };
      },
      deadLetters: { send: async () => undefined },
      logger,
      metrics,
    });

    // Act
    await handle(mskEvent([{ offset: 1, value: { n: 1 } }]));
    await handle(mskEvent([{ offset: 2, value: { n: 2 } }]));

    // Assess
    expect(built).toEqual([{ logger, metrics }]);
    expect(applied.map((b) => b.lastOffset)).toEqual([1, 2]);
  });

  it("answers with the partial batch response and dead-letters as the sink loop does, under the handler's name", async () => {
    // Prepare
    const lines: string[] = [];
    const letters: DeadLetter[] = [];
    const handle = createKafkaSinkHandler({
      name: 'test-sink',
      sink: () => ({
        applyPartition: async (batch) => {
          if (batch.partition === 1) throw new PartitionApplyError(21, new Error('throttled'));
          return {};
        },
      }),
      deadLetters: { send: async (batch) => void letters.push(...batch) },
      metrics: new Metrics('test-sink', { write: (line) => lines.push(line) }),
      logger: new Logger('test-sink', { write: () => undefined }),
    });

    // Act
    const response = await handle(
      mskEvent([
        { partition: 0, offset: 7, value: 'not json' },
        { partition: 0, offset: 8, value: { ok: true } },
        { partition: 1, offset: 20, value: { ok: true } },
        { partition: 1, offset: 21, value: { ok: true } },
      ]),
      { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 },
    );

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-1', offset: 21 } },
    ]);
    expect(letters.map((l) => [l.errorType, l.coordinates])).toEqual([
      ['DecodeError', { source: 'kafka', topic: 'events', partition: 0, offset: 7 }],
    ]);
    expect(emf(lines)).toEqual([
      expect.objectContaining({
        Service: 'test-sink',
        RecordsIn: 4,
        RecordsDeadLettered: 1,
        RecordsFailed: 1,
      }),
    ]);
  });

  it('logs and measures under its name when given no logger or metrics', async () => {
    // Prepare
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((line: string) => written.push(line) > 0) as typeof process.stdout.write;
    const handle = createKafkaSinkHandler({
      name: 'named-sink',
      sink: () => ({ applyPartition: async () => ({}) }),
      deadLetters: { send: async () => undefined },
    });

    // Act
    try {
      await handle(mskEvent([{ offset: 1, value: {} }]));
    } finally {
      process.stdout.write = write;
    }

    // Assess: the batch log line and the EMF line, both under the handler's name.
    const names = written.map((line) => {
      const parsed = JSON.parse(line) as { service?: string; Service?: string };
      return parsed.service ?? parsed.Service;
    });
    expect(names).toEqual(['named-sink', 'named-sink']);
  });
});

describe.each([
  {
    name: 'kafka-to-redis',
    create: (metrics: Metrics) =>
      createRedisSinkHandler({
        config: { consumerGroup: 'g', mappings: [] },
        // No mapping reads this topic: the sink plans nothing and never calls Redis.
        redis: {} as RedisClient,
        cluster: false,
        deadLetters: { send: async () => undefined },
        logger: new Logger('x', { write: () => undefined }),
        metrics,
      }),
  },
  {
    name: 'kafka-to-dynamodb',
    create: (metrics: Metrics) =>
      createDynamoSinkHandler({
        config: { consumerGroup: 'g', tables: [], mappings: [] },
        client: {
          send: async () => {
            throw new Error('no request expected');
          },
        },
        deadLetters: { send: async () => undefined },
        logger: new Logger('x', { write: () => undefined }),
        metrics,
      }),
  },
])('the $name handler', ({ name, create }) => {
  it('is the shared sink handler around its own partition sink', async () => {
    // Prepare
    const lines: string[] = [];
    const handle = create(new Metrics(name, { write: (line) => lines.push(line) }));

    // Act
    const response = await handle(mskEvent([{ offset: 3, value: { page: 'home' } }]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(emf(lines)).toEqual([expect.objectContaining({ Service: name, RecordsIn: 1, RecordsFailed: 0 })]);
  });
});
