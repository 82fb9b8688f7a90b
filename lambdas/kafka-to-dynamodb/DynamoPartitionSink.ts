/**
 * The DynamoDB sink's partition sink: each mapping of the batch's topic applies the events that pass its
 * filter to its table, concurrently and idempotently; the partition fails from the lowest offset any mapping
 * left unapplied (docs/handlers.md, "DynamoDB sink"). In a replay, records skipped below a watermark
 * without knowing they were applied are reported unverified (the failure record is kept).
 */

import { matchesPattern } from '../../config/filterPattern';
import type { DynamoMapping, DynamoSinkConfig, SinkTableConfig } from '../../config/types';
import type { Logger } from '../core/Logger';
import type { Metrics } from '../core/Metrics';
import type { PoisonFinding } from '../core/sink/errors';
import { PartitionApplyError, PoisonRecordError } from '../core/sink/errors';
import type { PartitionEvents, PartitionOutcome, PartitionSink } from '../core/sink/KafkaSinkProcessor';
import { AggregateWriter } from './AggregateWriter';
import { DYNAMO_SINK_METRICS } from './constants';
import type { DynamoSend } from './DynamoRequests';
import { DynamoRequests } from './DynamoRequests';
import { StateWriter } from './StateWriter';
import { SESSION_METRICS } from './sessions/constants';
import { SessionWriter } from './sessions/SessionWriter';
import { TimeSeriesWriter } from './TimeSeriesWriter';
import type { MappingResult, MappingWriter } from './types';
import { UpsertWriter } from './UpsertWriter';

export interface DynamoPartitionSinkOptions {
  readonly config: DynamoSinkConfig;
  /** A DynamoDBClient created once per execution environment (or anything with its `send`). */
  readonly client: DynamoSend;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
}

/**
 * Modes whose items skip what a watermark passed and keep no ledger of it: in a replay they cannot tell a
 * record applied from one missed, so such a skip keeps the failure record. `aggregate` keeps a ledger of
 * covered offsets (and reports its own unverified skips); the other modes decide per item (deterministic
 * keys, version guards): what they skip is superseded.
 */
const UNLEDGERED_WATERMARK_MODES: ReadonlySet<DynamoMapping['mode']> = new Set(['sessions']);

interface Route {
  readonly mapping: DynamoMapping;
  readonly writer: MappingWriter;
}

/** The writer of a mapping's mode. */
function createMappingWriter(
  mapping: DynamoMapping,
  table: SinkTableConfig,
  tables: ReadonlyMap<string, SinkTableConfig>,
): MappingWriter {
  switch (mapping.mode) {
    case 'timeseries':
      return new TimeSeriesWriter({ mapping, table });
    case 'aggregate':
      return new AggregateWriter({ mapping, table });
    case 'state':
      return new StateWriter({ mapping, table, tables });
    case 'upsert':
      return new UpsertWriter({ mapping, table });
    case 'sessions':
      return new SessionWriter({ mapping, table });
  }
}

function namedPoison(mapping: string, finding: PoisonFinding): PoisonFinding {
  return {
    record: finding.record,
    error: new PoisonRecordError(finding.error.kind, `mapping "${mapping}": ${finding.error.message}`),
  };
}

/**
 * What the shared sink loop hands each partition of a DynamoDB sink batch to.
 *
 * @example
 * ```ts
 * const handle = createKafkaSinkHandler({
 *   name: 'kafka-to-dynamodb',
 *   sink: ({ logger, metrics }) => new DynamoPartitionSink({ config, client, logger, metrics }),
 *   deadLetters,
 * });
 * ```
 */
export class DynamoPartitionSink implements PartitionSink {
  readonly #routes: readonly Route[];
  readonly #client: DynamoSend;
  readonly #metrics: Metrics | undefined;
  readonly #logger: Logger | undefined;

  constructor({ config, client, metrics, logger }: DynamoPartitionSinkOptions) {
    const tables = new Map(config.tables.map((table) => [table.name, table]));
    this.#routes = config.mappings.map((mapping) => {
      const table = tables.get(mapping.table);
      if (!table) throw new Error(`mapping "${mapping.name}": table "${mapping.table}" is not declared`);
      return { mapping, writer: createMappingWriter(mapping, table, tables) };
    });
    this.#client = client;
    this.#metrics = metrics;
    this.#logger = logger;
  }

  async applyPartition(batch: PartitionEvents): Promise<PartitionOutcome> {
    const requests = new DynamoRequests(this.#client, batch.remainingMs);
    const routes = this.#routes.filter((route) => route.mapping.topic === batch.topic);
    const results = await Promise.all(
      routes.map(async (route): Promise<[Route, MappingResult]> => {
        const { filter } = route.mapping;
        const events = filter ? batch.events.filter((e) => matchesPattern(e.fields, filter)) : batch.events;
        const first = events[0];
        if (!first) return [route, { poison: [], duplicates: [] }];
        try {
          const mappingBatch = { ...batch, events, requests };
          return [route, await route.writer.apply(mappingBatch)];
        } catch (error) {
          return [route, { poison: [], duplicates: [], failedAt: first.record.offset, failure: error }];
        }
      }),
    );
    this.#record(batch, requests, results);
    const poison = results.flatMap(([route, r]) => r.poison.map((f) => namedPoison(route.mapping.name, f)));
    const failed = results.filter(([, r]) => r.failedAt !== undefined);
    if (failed.length > 0) {
      const failedAt = Math.min(...failed.map(([, r]) => r.failedAt as number));
      const cause = failed.find(([, r]) => r.failedAt === failedAt)?.[1].failure;
      throw new PartitionApplyError(failedAt, cause, poison);
    }
    const poisonOffsets = new Set(poison.map((f) => f.record.offset));
    const duplicates = new Set(results.flatMap(([, r]) => r.duplicates).filter((o) => !poisonOffsets.has(o)));
    const unverified = batch.replay
      ? new Set(
          results
            .flatMap(([route, r]) =>
              UNLEDGERED_WATERMARK_MODES.has(route.mapping.mode) ? r.duplicates : (r.unverified ?? []),
            )
            .filter((o) => !poisonOffsets.has(o)),
        )
      : undefined;
    return {
      poison,
      applied: batch.events.filter((e) => !poisonOffsets.has(e.record.offset)).length,
      duplicates: duplicates.size,
      ...(unverified && unverified.size > 0 ? { unverified: unverified.size } : {}),
    };
  }

  #record(batch: PartitionEvents, requests: DynamoRequests, results: readonly [Route, MappingResult][]) {
    const { reads, writes, throttled } = requests.counts;
    this.#metrics?.add(DYNAMO_SINK_METRICS.writeRequests, 'Count', writes);
    this.#metrics?.add(DYNAMO_SINK_METRICS.readRequests, 'Count', reads);
    this.#metrics?.add(DYNAMO_SINK_METRICS.throttledRequests, 'Count', throttled);
    for (const [, result] of results) {
      if (result.sessionsClosed)
        this.#metrics?.add(SESSION_METRICS.closedOnEvent, 'Count', result.sessionsClosed);
      if (result.lateEvents) this.#metrics?.add(SESSION_METRICS.lateEvents, 'Count', result.lateEvents);
    }
    for (const [route, result] of results) {
      if (!result.versionGaps) continue;
      this.#metrics?.add(DYNAMO_SINK_METRICS.stateVersionGaps, 'Count', result.versionGaps);
      this.#logger?.warn('events held for a missing version', {
        mapping: route.mapping.name,
        topic: batch.topic,
        partition: batch.partition,
        held: result.versionGaps,
      });
    }
  }
}
