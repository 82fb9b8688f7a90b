import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import { PartitionApplyError, POISON_KINDS, PoisonRecordError } from '../../../lambdas/core/sink/errors';
import { KafkaSinkProcessor } from '../../../lambdas/core/sink/KafkaSinkProcessor';
import { mskEvent } from '../../../local/events/mskEvents';

describe('KafkaSinkProcessor with a partial apply', () => {
  it('dead-letters the poison a failing sink found below its failed offset, and only that', async () => {
    // Prepare
    const letters: DeadLetter[] = [];
    const quiet = { write: () => {} };
    const processor = new KafkaSinkProcessor({
      name: 'test-sink',
      sink: {
        applyPartition: async (batch) => {
          const poison = batch.events
            .filter((e) => e.fields.bad === true)
            .map((e) => ({
              record: e.record,
              error: new PoisonRecordError(POISON_KINDS.missingField, 'no key'),
            }));
          throw new PartitionApplyError(12, new Error('throttled'), poison);
        },
      },
      deadLetters: { send: async (batch) => void letters.push(...batch) },
      logger: new Logger('test-sink', quiet),
      metrics: new Metrics('test-sink', quiet),
    });
    const event = mskEvent([
      { offset: 10, value: { bad: true } },
      { offset: 11, value: { ok: true } },
      { offset: 12, value: { ok: true } },
      { offset: 13, value: { bad: true } },
    ]);

    // Act
    const response = await processor.process(event);

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { 'topic-partition': 'events-0', offset: 12 } },
    ]);
    expect(letters.map((l) => (l.coordinates as { offset: number }).offset)).toEqual([10]);
  });
});
