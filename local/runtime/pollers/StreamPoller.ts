import type { DynamoDBStreamEvent, KinesisStreamEvent } from 'aws-lambda';
import { abortableSleep } from './abortableSleep';
import { BatchLane } from './BatchLane';
import { checkpointScope } from './CheckpointStore';
import { CheckpointTracker } from './CheckpointTracker';
import { POLLER_LIMITS } from './constants';
import { deliverBatch, mappingDeliverySettings } from './deliverBatch';
import { MappingConfigError } from './errors';
import { laneIndex } from './laneIndex';
import { streamInvocationRecord } from './onFailureRecord';
import { streamFailureIndex } from './partialBatchResponse';
import { matchesFilters } from './recordFilter';
import type { Poller, PollerContext, SourceRecord, StreamSourceKind } from './types';

export interface ShardDescription {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** The shard was split or merged: it gets no new records and ends once read. */
  readonly closed: boolean;
}

export type IteratorPosition =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

export interface ShardPage<R> {
  readonly records: readonly R[];
  /** The source says records beyond this page are waiting (Kinesis: `MillisBehindLatest` > 0). */
  readonly behind?: boolean;
  /** Undefined once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
}

interface Shard<R extends SourceRecord> {
  readonly description: ShardDescription;
  readonly position: IteratorPosition;
  readonly lanes: BatchLane<R>[];
  readonly tracker: CheckpointTracker;
  iterator?: string;
  lastRead?: string;
  /** The shard's position was trimmed away: the next iterator starts at the oldest record kept. */
  behindTrimHorizon?: boolean;
  finished: boolean;
  task?: Promise<void>;
}

/**
 * An event source mapping on a stream with shards (DynamoDB Streams, Kinesis): shards read in order,
 * ParallelizationFactor lanes, filters, checkpoints, iterator expiry and trimmed positions as docs/local-runtime.md describes.
 *
 * Subclasses bring the source's API calls and record shapes; the runtime owns the SDK clients.
 */
export abstract class StreamPoller<R extends SourceRecord> implements Poller {
  protected readonly context: PollerContext;
  readonly #shards = new Map<string, Shard<R>>();
  #controller = new AbortController();
  #discovery: Promise<void> | undefined;

  protected constructor(context: PollerContext) {
    this.context = context;
    if (!context.mapping.sourceArn) {
      throw new MappingConfigError(
        context.mapping.logicalId,
        'a stream event source needs its stream ARN (sourceArn)',
      );
    }
  }

  get mapping() {
    return this.context.mapping;
  }

  protected get streamArn(): string {
    return this.context.mapping.sourceArn as string;
  }

  get #checkpointScope(): string {
    return checkpointScope(this.mapping.logicalId, this.streamArn);
  }

  protected get functionArn(): string {
    const { region, accountId, fn } = this.context;
    return `arn:aws:lambda:${region}:${accountId}:function:${fn.functionName}`;
  }

  protected abstract readonly sourceKind: StreamSourceKind;
  protected abstract readonly getRecordsLimit: number;
  protected abstract listShards(): Promise<ShardDescription[]>;
  protected abstract shardIterator(shardId: string, position: IteratorPosition): Promise<string>;
  protected abstract readPage(shardId: string, iterator: string, limit: number): Promise<ShardPage<R>>;
  protected abstract isExpiredIterator(error: unknown): boolean;
  /** The error a source gives for a position before its trim horizon; none by default. */
  protected isTrimmed(_error: unknown): boolean {
    return false;
  }
  protected abstract filterView(record: R): unknown;
  protected abstract buildEvent(records: readonly R[]): DynamoDBStreamEvent | KinesisStreamEvent;

  async start(): Promise<void> {
    this.#controller = new AbortController();
    const shards = await this.listShards();
    const known = new Set(shards.map((shard) => shard.shardId));
    const starting: Promise<void>[] = [];
    for (const description of shards) {
      const shard = this.#track(description, this.#initialPosition(description));
      if (shard.finished) continue;
      const parentPending = description.parentShardId !== undefined && known.has(description.parentShardId);
      // LATEST reads every open shard from now on; TRIM_HORIZON reads parents before children.
      if (shard.position.type === 'LATEST' || !parentPending) starting.push(this.#startShard(shard));
    }
    await Promise.all(starting);
    this.#discovery = this.#discoverShards();
    this.context.logger.info('poller started', {
      mapping: this.mapping.logicalId,
      source: this.streamArn,
      function: this.context.fn.functionName,
      shards: shards.map((shard) => shard.shardId),
    });
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    const running = [this.#discovery, ...[...this.#shards.values()].map((shard) => shard.task)];
    await Promise.race([Promise.allSettled(running), abortableSleep(POLLER_LIMITS.stopGraceMs)]);
  }

  #initialPosition(description: ShardDescription): IteratorPosition {
    const checkpoint = this.context.checkpoints.get(this.#checkpointScope, description.shardId);
    if (checkpoint) return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
    return { type: this.mapping.startingPosition };
  }

  #track(description: ShardDescription, position: IteratorPosition): Shard<R> {
    const { checkpoints } = this.context;
    const scope = this.#checkpointScope;
    const tracker = new CheckpointTracker((sequenceNumber) =>
      checkpoints.set(scope, description.shardId, sequenceNumber),
    );
    const shard: Shard<R> = {
      description,
      position,
      lanes: [],
      tracker,
      // A closed shard has nothing new for LATEST.
      finished: position.type === 'LATEST' && description.closed,
    };
    this.#shards.set(description.shardId, shard);
    return shard;
  }

  /** Fixes the shard's starting point (so LATEST means "from start()"), then reads it in the background. */
  async #startShard(shard: Shard<R>): Promise<void> {
    shard.iterator = await this.#acquireIterator(shard);
    shard.task = this.#readShard(shard);
  }

  /** An iterator after the last record read (else at the shard's starting point), or at the trim horizon. */
  async #acquireIterator(shard: Shard<R>): Promise<string> {
    const shardId = shard.description.shardId;
    let position: IteratorPosition = shard.lastRead
      ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: shard.lastRead }
      : shard.position;
    if (shard.behindTrimHorizon) position = { type: 'TRIM_HORIZON' };
    try {
      const iterator = await this.shardIterator(shardId, position);
      shard.behindTrimHorizon = false;
      return iterator;
    } catch (error) {
      if (position.type === 'TRIM_HORIZON' || !this.isTrimmed(error)) throw error;
      this.#fellBehind(shard);
      return this.#acquireIterator(shard);
    }
  }

  #fellBehind(shard: Shard<R>): void {
    shard.behindTrimHorizon = true;
    this.context.logger.warn('shard position trimmed from the stream; continuing from TRIM_HORIZON', {
      mapping: this.mapping.logicalId,
      shardId: shard.description.shardId,
      after: shard.lastRead ?? this.context.checkpoints.get(this.#checkpointScope, shard.description.shardId),
      lost: 'the records between that position and the oldest one kept',
    });
  }

  async #readShard(shard: Shard<R>): Promise<void> {
    const { mapping, logger, settings } = this.context;
    const signal = this.#controller.signal;
    const shardId = shard.description.shardId;
    for (let lane = 0; lane < Math.max(1, mapping.parallelizationFactor); lane++) {
      shard.lanes.push(this.#lane(shard, lane));
    }
    const lanesRunning = shard.lanes.map((lane) => lane.run());
    const intervalMs = settings.pollIntervalMs[this.sourceKind];
    while (!signal.aborted) {
      if (shard.tracker.pending >= settings.maxBufferedRecords) {
        await abortableSleep(intervalMs, signal);
        continue;
      }
      try {
        if (!shard.iterator) shard.iterator = await this.#acquireIterator(shard);
        const limit = Math.min(this.getRecordsLimit, settings.maxBufferedRecords - shard.tracker.pending);
        const page = await this.readPage(shardId, shard.iterator, limit);
        shard.iterator = page.nextIterator;
        this.#route(shard, page.records);
        if (page.nextIterator === undefined) break;
        // The base rate: the next read of this shard an interval after this one answered, unless the page
        // was full or brought records and says more are waiting (an empty page always waits).
        const more = page.records.length === limit || (page.records.length > 0 && page.behind === true);
        if (!more) await abortableSleep(intervalMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        shard.iterator = undefined;
        if (this.isExpiredIterator(error)) {
          logger.info('shard iterator expired; re-acquiring', {
            mapping: mapping.logicalId,
            shardId,
            after: shard.lastRead,
          });
          continue;
        }
        if (this.isTrimmed(error)) {
          this.#fellBehind(shard);
          continue;
        }
        logger.error('reading the shard failed; retrying', { mapping: mapping.logicalId, shardId, error });
        await abortableSleep(settings.retryBackoffMaxMs, signal);
      }
    }
    if (!signal.aborted) {
      await Promise.all(shard.lanes.map((lane) => lane.whenIdle()));
      shard.finished = true;
      logger.info('shard finished', { mapping: mapping.logicalId, shardId });
    }
    await Promise.allSettled(lanesRunning);
  }

  #route(shard: Shard<R>, records: readonly R[]): void {
    if (records.length === 0) return;
    const { filters, parallelizationFactor } = this.mapping;
    shard.tracker.add(records.map((record) => record.position));
    const perLane = new Map<number, R[]>();
    for (const record of records) {
      if (!matchesFilters(this.filterView(record), filters)) {
        shard.tracker.done(record.position);
        continue;
      }
      const lane = laneIndex(record.orderKey, parallelizationFactor);
      const list = perLane.get(lane) ?? [];
      list.push(record);
      perLane.set(lane, list);
    }
    for (const [lane, list] of perLane) shard.lanes[lane]?.push(list);
    shard.lastRead = (records[records.length - 1] as R).position;
  }

  #lane(shard: Shard<R>, index: number): BatchLane<R> {
    const { mapping, fn, destination, logger, settings, now } = this.context;
    const signal = this.#controller.signal;
    const shardId = shard.description.shardId;
    return new BatchLane<R>({
      name: `${mapping.logicalId}/${shardId}/${index}`,
      batchSize: mapping.batchSize,
      windowMs: mapping.maxBatchingWindowSeconds * 1000,
      signal,
      logger,
      deliver: (records) =>
        deliverBatch<R>(records, {
          ...mappingDeliverySettings(mapping, settings),
          signal,
          now,
          invoke: async (batch) => {
            const result = await fn.invoke(this.buildEvent(batch));
            if (!result.ok) {
              logger.warn('invocation failed', {
                mapping: mapping.logicalId,
                shardId,
                records: batch.length,
                kind: result.kind,
                error: result.error,
              });
            }
            return result;
          },
          failedIndex: streamFailureIndex,
          complete: (done) => {
            for (const record of done) shard.tracker.done(record.position);
          },
          discard: (discarded) =>
            destination.send({
              invocationRecord: streamInvocationRecord(this.sourceKind, discarded, {
                shardId,
                streamArn: this.streamArn,
                functionArn: this.functionArn,
              }),
              shardId,
              event: this.buildEvent(discarded.records),
            }),
        }),
    });
  }

  async #discoverShards(): Promise<void> {
    const { logger, settings, mapping } = this.context;
    const signal = this.#controller.signal;
    while (!signal.aborted) {
      await abortableSleep(settings.shardRefreshMs, signal);
      if (signal.aborted) return;
      try {
        for (const description of await this.listShards()) {
          if (!this.#shards.has(description.shardId)) {
            logger.info('new shard', {
              mapping: mapping.logicalId,
              shardId: description.shardId,
              parent: description.parentShardId,
            });
            this.#track(description, { type: 'TRIM_HORIZON' });
          }
        }
        for (const shard of this.#shards.values()) {
          if (shard.task || shard.finished) continue;
          const parent = shard.description.parentShardId;
          const parentShard = parent ? this.#shards.get(parent) : undefined;
          if (!parentShard || parentShard.finished) await this.#startShard(shard);
        }
      } catch (error) {
        if (!signal.aborted) logger.error('listing shards failed', { mapping: mapping.logicalId, error });
      }
    }
  }
}
