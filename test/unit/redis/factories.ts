/** Factories for the Redis sink's unit tests: sink events, change envelopes and plans. */

import type { RedisMapping } from '../../../config/types';
import { decodeKafkaRecord } from '../../../lambdas/core/kafkaRecords';
import type { SinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { decodeSinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { compileMappings } from '../../../lambdas/kafka-to-redis/compileMappings';
import { KeyNaming } from '../../../lambdas/kafka-to-redis/keyNaming';
import type { PartitionPlan } from '../../../lambdas/kafka-to-redis/planPartition';
import { planPartition } from '../../../lambdas/kafka-to-redis/planPartition';
import type { PlannedCommand } from '../../../lambdas/kafka-to-redis/types';
import type { RecordSpec } from '../../../local/events/mskEvents';
import { mskRecord } from '../../../local/events/mskEvents';

/** A Debezium-shaped change envelope as the CDC bridge publishes it. */
export function changeEnvelope(
  op: 'c' | 'u' | 'd',
  image: Record<string, unknown>,
  sequenceNumber: string,
  key: Record<string, unknown> = {},
) {
  return {
    op,
    key,
    before: op === 'c' ? null : image,
    after: op === 'd' ? null : image,
    source: {
      system: 'dynamodb',
      table: 'sb-products',
      region: 'us-east-1',
      eventId: `e-${sequenceNumber}`,
      sequenceNumber,
      ts_ms: 1_764_144_000_000,
      ttlExpired: false,
    },
    ts_ms: 1_764_144_000_100,
  };
}

export function sinkEvent(spec: RecordSpec): SinkEvent {
  return decodeSinkEvent(decodeKafkaRecord(mskRecord(spec)));
}

/** Sink events on one topic and partition, offsets from `first`. */
export function sinkEvents(topic: string, values: readonly unknown[], first = 0): SinkEvent[] {
  return values.map((value, i) => sinkEvent({ topic, offset: first + i, value }));
}

export interface PlanOptions {
  readonly cluster?: boolean;
  readonly maxArgsPerCall?: number;
  readonly maxBytesPerCall?: number;
  readonly lastOffset?: number;
}

export function plan(
  mappings: readonly RedisMapping[],
  events: readonly SinkEvent[],
  options: PlanOptions = {},
) {
  const last = events[events.length - 1];
  return planPartition(events, options.lastOffset ?? last?.record.offset ?? 0, {
    mappings: compileMappings(mappings),
    naming: new KeyNaming({ cluster: options.cluster ?? false, consumerGroup: 'test-group' }),
    limits: {
      maxArgsPerCall: options.maxArgsPerCall ?? 20_000,
      maxBytesPerCall: options.maxBytesPerCall ?? 2 * 1024 * 1024,
    },
  });
}

/** Every command of a plan, chunk after chunk, as `[name, key, ...args]` (version keys shown as `vkey=`). */
export function commandsOf(result: PartitionPlan): string[][] {
  return result.chunks.flatMap((chunk) => chunk.writes.flatMap((w) => w.commands().map(show)));
}

function show(command: PlannedCommand): string[] {
  return [
    command.name,
    command.key,
    ...(command.versionKey === undefined ? [] : [`vkey=${command.versionKey}`]),
    ...command.args,
  ];
}
