import { setMaxListeners } from 'node:events';
import {
  type Admin,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type LogEntry,
  logLevel,
} from 'kafkajs';
import { topicPartitionId } from '../../../lambdas/core/kafkaRecords';
import type { Logger } from '../../../lambdas/core/Logger';
import { EnvironmentStoppedError } from '../environment/errors';
import type { InvocationResult } from '../environment/types';
import { abortableSleep } from './abortableSleep';
import { POLLER_LIMITS } from './constants';
import { deliverBatch, type FailedAttempt, mappingDeliverySettings } from './deliverBatch';
import { MappingConfigError, PollerStoppedError } from './errors';
import { type BatchPart, KafkaBatchAssembler, type PartOutcome } from './KafkaBatchAssembler';
import { type KafkaSourceRecord, kafkaEvent, kafkaFilterView, kafkaSourceRecord } from './kafkaEvent';
import { kafkaInvocationRecord } from './onFailureRecord';
import { type FailureIndex, kafkaFailureIndex, kafkaFailureIndexes } from './partialBatchResponse';
import { matchesFilters } from './recordFilter';
import type { Poller, PollerContext } from './types';

export interface KafkaPollerOptions {
  /** Brokers of the local cluster (`host:port`). */
  readonly brokers: readonly string[];
  /** Wait for the consumer group to be joined in start(). Default 30 s. */
  readonly joinTimeoutMs?: number;
}

/**
 * Kafka partitions a consumer works on at once: each fetch hands every partition with records to its own
 * worker, and their parts join one batch (KafkaBatchAssembler); one partition has one part in flight.
 */
const MAX_PARTITIONS_IN_PARALLEL = 64;
/**
 * How long a fetch waits at the broker when no record is there. A fetch answers as soon as one is: the
 * batching window is kept here, from each batch's first record (KafkaBatchAssembler), not by the broker.
 */
const FETCH_MAX_WAIT_MS = 500;
/**
 * While a part waits for its batch (window and invocation) or an invocation runs, the group is told the
 * consumer is alive this often.
 */
const WAIT_HEARTBEAT_MS = 1_000;

/**
 * A partition's part while it is open in a batch or in flight (see `#startPart`): no second part of the
 * partition starts until it is done.
 */
interface OpenPart {
  /** The offset of the last record taken into the part. */
  lastOffset: bigint;
  /** Committed when the part is done: its last record, or a filtered-out record after it. */
  commitTo: string;
  /** The batch went (or the part runs alone): it cannot grow. */
  inFlight: boolean;
  /** Takes the part out of its open batch (poller stopped, or the partition read again). */
  readonly stop: AbortController;
  done: Promise<void>;
}

/**
 * When a record arrived, for the batching window. For Kafka "a batching window begins as soon as the first
 * record arrives" (for streams it begins when the previous invocation completes: BatchLane).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 * A record's arrival is its timestamp, held between its partition's previous fetch with records (it was not
 * there yet, or that fetch would have brought it) and this fetch, so a backlog read at start (old
 * timestamps) goes at once in full batches and live records wait from when the broker took them, not from
 * when a busy poller fetched them.
 */
interface PartitionFetches {
  /** When the partition was last fetched with records. */
  fetchedAt: number;
}

function kafkaLogger(logger: Logger, mappingId: string) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...fields } = log;
      const line = { mapping: mappingId, ...fields };
      if (level === logLevel.ERROR) logger.error(`kafka: ${message}`, line);
      else if (level === logLevel.WARN) logger.warn(`kafka: ${message}`, line);
    };
}

/**
 * An Amazon MSK / self-managed Kafka event source mapping run locally: a kafkajs consumer in the template's
 * consumer group that commits an offset only once its record is done (processed, filtered out or sent to
 * the on-failure destination). The rules it follows are in docs/local-runtime.md.
 *
 * @example
 * ```ts
 * const poller = new KafkaPoller(context, { brokers: ['127.0.0.1:19092'] });
 * await poller.start();
 * ```
 */
export class KafkaPoller implements Poller {
  readonly #context: PollerContext;
  readonly #brokers: readonly string[];
  readonly #topic: string;
  readonly #groupId: string;
  readonly #joinTimeoutMs: number;
  readonly #kafka: Kafka;
  #consumer: Consumer | undefined;
  #controller = new AbortController();
  readonly #fetches = new Map<string, PartitionFetches>();
  /** The offset last committed per topic-partition (the next one to read). */
  readonly #committed = new Map<string, bigint>();
  /** Commits asked for in this turn of the event loop: they go to the broker as one request. */
  #commitQueue: Map<string, { topic: string; partition: number; offset: string }> | undefined;
  #commitSent: Promise<void> | undefined;
  readonly #assembler: KafkaBatchAssembler;
  /** Each partition's part open in a batch or in flight. */
  readonly #parts = new Map<string, OpenPart>();

  constructor(context: PollerContext, options: KafkaPollerOptions) {
    const { mapping } = context;
    const topic = mapping.topics?.[0];
    if (!topic || (mapping.topics?.length ?? 0) !== 1) {
      throw new MappingConfigError(mapping.logicalId, 'a Kafka event source needs exactly one topic');
    }
    if (!mapping.consumerGroupId)
      throw new MappingConfigError(mapping.logicalId, 'a Kafka event source needs a consumer group id');
    if (options.brokers.length === 0)
      throw new MappingConfigError(mapping.logicalId, 'no Kafka brokers configured (KAFKA_BROKERS)');
    this.#context = context;
    this.#brokers = options.brokers;
    this.#topic = topic;
    this.#groupId = mapping.consumerGroupId;
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 30_000;
    this.#kafka = new Kafka({
      clientId: `streambridge-local-${mapping.logicalId}`,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogger(context.logger, mapping.logicalId),
      retry: { retries: 8, initialRetryTime: 200 },
    });
    this.#assembler = new KafkaBatchAssembler({
      mappingId: mapping.logicalId,
      batchSize: mapping.batchSize,
      windowMs: mapping.maxBatchingWindowSeconds * 1000,
      maxRecordBytes: POLLER_LIMITS.maxPayloadBytes - POLLER_LIMITS.eventOverheadBytes,
      invoke: (records, parts) => this.#invokeParts(records, parts),
    });
  }

  get mapping() {
    return this.#context.mapping;
  }

  get #eventSourceArn(): string {
    const { mapping, region, accountId } = this.#context;
    return mapping.sourceArn ?? `arn:aws:kafka:${region}:${accountId}:cluster/local/local`;
  }

  get #functionArn(): string {
    const { region, accountId, fn } = this.#context;
    return `arn:aws:lambda:${region}:${accountId}:function:${fn.functionName}`;
  }

  async start(): Promise<void> {
    const { mapping, logger } = this.#context;
    this.#controller = new AbortController();
    // One listener per partition worker and per open part, up to MAX_PARTITIONS_IN_PARALLEL of each, all
    // removed when they end: Node's warning at 11 would be noise.
    setMaxListeners(2 * MAX_PARTITIONS_IN_PARALLEL + 8, this.#controller.signal);
    const pins = await this.#startingOffsets();
    this.#fetches.clear();
    this.#committed.clear();
    this.#parts.clear();
    const consumer = this.#kafka.consumer({
      groupId: this.#groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      minBytes: 1,
    });
    this.#consumer = consumer;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`consumer group ${this.#groupId} not joined within ${this.#joinTimeoutMs} ms`)),
        this.#joinTimeoutMs,
      );
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [this.#topic],
      fromBeginning: mapping.startingPosition === 'TRIM_HORIZON',
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Not the partition count read at start: a topic created a moment ago can still report fewer
      // partitions, and partitions can be added later; kafkajs runs only as many as have batches.
      partitionsConsumedConcurrently: MAX_PARTITIONS_IN_PARALLEL,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    await joined;
    if (pins.length > 0) {
      // LATEST means from start(): fix the position at the end offsets read before joining, and commit it.
      for (const pin of pins) consumer.seek({ topic: this.#topic, ...pin });
      await consumer.commitOffsets(pins.map((pin) => ({ topic: this.#topic, ...pin })));
    }
    logger.info('poller started', {
      mapping: mapping.logicalId,
      topic: this.#topic,
      groupId: this.#groupId,
      function: this.#context.fn.functionName,
    });
  }

  /** Stops fetching; a running invocation may finish and commit within the grace period. */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#assembler.stop();
    const consumer = this.#consumer;
    if (!consumer) return;
    const disconnected = consumer.disconnect().catch(() => undefined);
    await Promise.race([disconnected, abortableSleep(POLLER_LIMITS.stopGraceMs)]);
  }

  /**
   * For a LATEST mapping, the end offsets of the partitions its group has
   * no committed offset for yet: "from now on" means from start(), not from the group's first fetch.
   */
  async #startingOffsets(): Promise<{ partition: number; offset: string }[]> {
    const admin: Admin = this.#kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.#topic);
      if (this.#context.mapping.startingPosition !== 'LATEST') return [];
      const [committed] = await admin.fetchOffsets({ groupId: this.#groupId, topics: [this.#topic] });
      const hasOffset = new Set(
        (committed?.partitions ?? [])
          .filter((entry) => Number(entry.offset) >= 0)
          .map((entry) => entry.partition),
      );
      return ends
        .filter((end) => !hasOffset.has(end.partition))
        .map((end) => ({ partition: end.partition, offset: end.offset }));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * A fetch's records of one partition. They join the partition's part in the open batch (or open one, or
   * a new batch) and the call returns, so the consumer fetches again while the window runs and records that
   * arrive meanwhile join the batch too, as on AWS. A partition whose part is in flight (its batch went,
   * or it runs alone or through retries) waits for it here, which holds the next fetch: one partition
   * never has two parts in flight. The offsets are resolved as records are taken, so the next fetch reads
   * after them; they are committed only when their part is done (`#startPart`).
   */
  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { mapping } = this.#context;
    const topicPartition = topicPartitionId(batch.topic, batch.partition);
    const { stop: stale, idle: abortIfStale, release } = this.#staleGuard(payload);
    const arrivalOf = this.#fetched(batch);
    try {
      let next = 0;
      while (next < batch.messages.length && !stale.signal.aborted) {
        const message = batch.messages[next] as Batch['messages'][number];
        if (BigInt(message.offset) < (this.#committed.get(topicPartition) ?? -1n)) {
          // Done and committed by this consumer before a rebalance or seek read it again.
          payload.resolveOffset(message.offset);
          next++;
          continue;
        }
        const part = this.#parts.get(topicPartition);
        if (part && (part.inFlight || BigInt(message.offset) <= part.lastOffset)) {
          // Read again from before the part's records (a seek or a rebalance): the part leaves its batch
          // unless it went, and its records are delivered again from here.
          if (!part.inFlight) part.stop.abort();
          await this.#whileWaiting(part.done, abortIfStale);
          continue;
        }
        const firstArrival = arrivalOf(message);
        // The chunk is built and handed to the assembler without a pause, so the room it was built for holds.
        const room = this.#assembler.room();
        const chunk: KafkaSourceRecord[] = [];
        const chunkStart = next;
        let bytes = 0;
        let lastConsumed: string | undefined;
        let full = false;
        while (next < batch.messages.length) {
          const record = kafkaSourceRecord(batch.messages[next] as Batch['messages'][number], batch);
          if (matchesFilters(kafkaFilterView(record), mapping.filters)) {
            // A record over the whole payload limit goes alone (and to the on-failure destination).
            if (bytes + record.sizeBytes > room.bytes && (chunk.length > 0 || !room.fresh)) {
              full = true;
              break;
            }
            chunk.push(record);
            bytes += record.sizeBytes;
          }
          lastConsumed = record.position;
          next++;
          if (chunk.length >= room.records) {
            full = true;
            break;
          }
        }
        if (chunk.length === 0 && full) {
          // The open batch has no room for this partition's next record: it goes, and the record opens the next.
          this.#assembler.flush();
          continue;
        }
        if (chunk.length > 0 && this.#goesAlone(chunk[0] as KafkaSourceRecord)) {
          if (part) {
            // After the partition's part, which goes now.
            this.#assembler.flush();
            next = chunkStart;
            continue;
          }
          await this.#deliver(chunk, batch, payload, stale.signal, abortIfStale);
        } else if (chunk.length > 0 && part) {
          if (!this.#assembler.extend(topicPartition, chunk, full)) {
            // The part just left its batch: these records wait for it to end.
            next = chunkStart;
            await this.#whileWaiting(part.done, abortIfStale);
            continue;
          }
          part.lastOffset = BigInt((chunk[chunk.length - 1] as KafkaSourceRecord).position);
        } else if (chunk.length > 0) {
          this.#startPart(topicPartition, chunk, batch, payload, { firstArrival, full });
        }
        if (stale.signal.aborted) break;
        if (lastConsumed !== undefined) {
          payload.resolveOffset(lastConsumed);
          // Filtered-out records after the last delivered one are done with it.
          const open = this.#parts.get(topicPartition);
          if (open) open.commitTo = lastConsumed;
          else await this.#commit(batch, lastConsumed);
        }
        await abortIfStale();
      }
    } catch (error) {
      // Stopping (poller or execution environments): leave the rest uncommitted for the next run.
      if (!(error instanceof PollerStoppedError || error instanceof EnvironmentStoppedError)) throw error;
    } finally {
      release();
    }
  }

  /**
   * A stop for work on a fetched partition: aborted when the poller stops, or by `idle` (which also tells
   * the group this consumer is alive) once the consumer stops running or the partition went stale (a seek,
   * a rebalance). `release` when the work ends.
   */
  #staleGuard(payload: EachBatchPayload) {
    const stop = new AbortController();
    const onStop = () => stop.abort();
    this.#controller.signal.addEventListener('abort', onStop, { once: true });
    const idle = async () => {
      await payload.heartbeat().catch(() => undefined);
      if (!payload.isRunning() || payload.isStale()) stop.abort();
    };
    const release = () => this.#controller.signal.removeEventListener('abort', onStop);
    return { stop, idle, release };
  }

  /** Waits for `promise`, telling the group this consumer is alive meanwhile. */
  async #whileWaiting<T>(promise: Promise<T>, idle: () => Promise<void>): Promise<T> {
    const heartbeats = setInterval(() => void idle(), WAIT_HEARTBEAT_MS);
    try {
      return await promise;
    } finally {
      clearInterval(heartbeats);
    }
  }

  /** Records that cannot share an invocation (too old, too large) are delivered alone at once. */
  #goesAlone(first: KafkaSourceRecord): boolean {
    const { mapping, now } = this.#context;
    const tooOld =
      mapping.maxRecordAgeSeconds >= 0 && first.arrivalMs < now() - mapping.maxRecordAgeSeconds * 1000;
    return tooOld || first.sizeBytes + POLLER_LIMITS.eventOverheadBytes > POLLER_LIMITS.maxPayloadBytes;
  }

  /** The arrival time of a record of this fetch (see PartitionFetches). */
  #fetched(batch: Batch): (message: Batch['messages'][number]) => number {
    const key = topicPartitionId(batch.topic, batch.partition);
    const fetchedAt = Date.now();
    const fetches = this.#fetches.get(key) ?? { fetchedAt: 0 };
    const previousFetch = fetches.fetchedAt;
    fetches.fetchedAt = fetchedAt;
    this.#fetches.set(key, fetches);
    return (message) => Math.min(fetchedAt, Math.max(Number(message.timestamp) || 0, previousFetch));
  }

  /**
   * Opens a partition's part with its next records. It joins the mapping's batch (and grows while the
   * batch is open) and, once the batch went, is committed, or goes on from its failure through the
   * mapping's error handling on its own (AWS retries the batch as one). Runs after `#eachBatch` returned.
   */
  #startPart(
    topicPartition: string,
    chunk: readonly KafkaSourceRecord[],
    batch: Batch,
    payload: EachBatchPayload,
    timing: { readonly firstArrival: number; readonly full: boolean },
  ): void {
    const { stop, idle, release } = this.#staleGuard(payload);
    const last = (chunk[chunk.length - 1] as KafkaSourceRecord).position;
    const part: OpenPart = {
      lastOffset: BigInt(last),
      commitTo: last,
      inFlight: false,
      stop,
      done: Promise.resolve(),
    };
    const run = async () => {
      let outcome: PartOutcome;
      try {
        outcome = await this.#whileWaiting(
          this.#assembler.join(
            { topicPartition, records: chunk },
            {
              firstArrivalMs: timing.firstArrival,
              full: timing.full,
              signal: stop.signal,
              onGo: () => {
                part.inFlight = true;
              },
            },
          ),
          idle,
        );
      } finally {
        part.inFlight = true;
      }
      const { records } = outcome.part;
      if (outcome.solo) {
        await this.#deliver(records, batch, payload, stop.signal, idle);
      } else {
        const failed = this.#partFailure(outcome.result, outcome.parts, topicPartition);
        if (failed !== undefined) {
          await this.#deliver(records, batch, payload, stop.signal, idle, { result: outcome.result, failed });
        }
      }
      await this.#commit(batch, part.commitTo);
    };
    part.done = run()
      .catch(async (error: unknown) => {
        // Stopped or read again: the records are left uncommitted, for the next run or the new owner.
        if (error instanceof PollerStoppedError || error instanceof EnvironmentStoppedError) return;
        // Anything else (the on-failure destination refused a record, …): the partition is read again
        // from the part's first record, which nothing after it can have committed past.
        const from = (chunk[0] as KafkaSourceRecord).position;
        this.#context.logger.error('kafka partition read again after an error', {
          mapping: this.#context.mapping.logicalId,
          topicPartition,
          offset: from,
          error,
        });
        // After a pause, as a stream lane retries a batch whose delivery failed outside the function.
        await abortableSleep(1_000, this.#controller.signal);
        if (this.#controller.signal.aborted) return;
        try {
          this.#consumer?.seek({ topic: batch.topic, partition: batch.partition, offset: from });
        } catch (seekError) {
          // The consumer is stopping: the next run starts from the last commit.
          this.#context.logger.warn('kafka seek failed', { topicPartition, offset: from, error: seekError });
        }
      })
      .finally(() => {
        release();
        if (this.#parts.get(topicPartition) === part) this.#parts.delete(topicPartition);
      });
    this.#parts.set(topicPartition, part);
  }

  /** What a batch's invocation says about one of its partitions (see FailureIndex). */
  #partFailure(result: InvocationResult, parts: readonly BatchPart[], topicPartition: string): FailureIndex {
    if (!result.ok) return 'invalid';
    if (!this.#context.mapping.reportBatchItemFailures) return undefined;
    const indexes = kafkaFailureIndexes(result.payload, parts);
    return indexes === 'invalid' ? 'invalid' : indexes.get(topicPartition);
  }

  /** Invokes the function once for a batch of several partitions. */
  async #invokeParts(
    records: readonly KafkaSourceRecord[],
    parts: readonly BatchPart[],
  ): Promise<InvocationResult> {
    const { mapping, fn, logger } = this.#context;
    const result = await fn.invoke(kafkaEvent(records, this.#where));
    if (!result.ok) {
      logger.warn('invocation failed', {
        mapping: mapping.logicalId,
        topicPartitions: parts.map((part) => part.topicPartition),
        records: records.length,
        kind: result.kind,
        error: result.error,
      });
    }
    return result;
  }

  get #where() {
    return { eventSourceArn: this.#eventSourceArn, bootstrapServers: this.#brokers.join(',') };
  }

  async #deliver(
    records: readonly KafkaSourceRecord[],
    batch: Batch,
    payload: EachBatchPayload,
    signal: AbortSignal,
    idle: () => Promise<void>,
    firstAttempt?: FailedAttempt,
  ): Promise<void> {
    const { mapping, fn, destination, logger, settings, now } = this.#context;
    const topicPartition = topicPartitionId(batch.topic, batch.partition);
    const where = this.#where;
    await deliverBatch<KafkaSourceRecord>(
      records,
      {
        ...mappingDeliverySettings(mapping, settings),
        signal,
        now,
        idle,
        invoke: async (batchRecords) => {
          // Heartbeats go on while the function runs, so a long invocation does not cost the partition.
          const result = await this.#whileWaiting(fn.invoke(kafkaEvent(batchRecords, where)), () =>
            payload.heartbeat().catch(() => undefined),
          );
          if (!result.ok) {
            logger.warn('invocation failed', {
              mapping: mapping.logicalId,
              topicPartition,
              records: batchRecords.length,
              kind: result.kind,
              error: result.error,
            });
          }
          return result;
        },
        failedIndex: (response, batchRecords) => kafkaFailureIndex(response, batchRecords, topicPartition),
        complete: (done) => this.#commit(batch, (done[done.length - 1] as KafkaSourceRecord).position),
        discard: (discarded) =>
          destination.send({
            invocationRecord: kafkaInvocationRecord(discarded, {
              ...where,
              topicPartition,
              functionArn: this.#functionArn,
            }),
            shardId: topicPartition,
            event: kafkaEvent(discarded.records, where),
          }),
      },
      firstAttempt,
    );
  }

  /**
   * Commits up to `lastDone` unless that is committed already. The parts of one batch finish together and
   * each commits its partition: the commits asked for in one turn of the event loop go as one request.
   */
  async #commit(batch: Batch, lastDone: string): Promise<void> {
    const key = topicPartitionId(batch.topic, batch.partition);
    const next = BigInt(lastDone) + 1n;
    if ((this.#committed.get(key) ?? -1n) >= next) return;
    if (!this.#commitQueue) {
      const queue = new Map<string, { topic: string; partition: number; offset: string }>();
      this.#commitQueue = queue;
      this.#commitSent = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.#sendCommits(queue),
      );
    }
    const queued = this.#commitQueue.get(key);
    if (!queued || BigInt(queued.offset) < next)
      this.#commitQueue.set(key, { topic: batch.topic, partition: batch.partition, offset: next.toString() });
    await this.#commitSent;
  }

  async #sendCommits(queue: ReadonlyMap<string, { topic: string; partition: number; offset: string }>) {
    if (this.#commitQueue === queue) this.#commitQueue = undefined;
    const entries = [...queue];
    try {
      await this.#consumer?.commitOffsets(entries.map(([, entry]) => entry));
      for (const [key, { offset }] of entries) this.#committed.set(key, BigInt(offset));
    } catch (error) {
      if (entries.length === 1) {
        // A rebalance took the partition: its new owner re-reads from the last committed offset.
        this.#context.logger.warn('offset commit failed', {
          mapping: this.#context.mapping.logicalId,
          topicPartition: entries[0]?.[0],
          offset: entries[0]?.[1].offset,
          error,
        });
        return;
      }
      // One partition's refusal must not cost the others their commit: each goes again alone.
      await Promise.all(entries.map((entry) => this.#sendCommits(new Map([entry]))));
    }
  }
}
