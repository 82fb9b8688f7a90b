/** Types shared by the local event source pollers. */
import type { Logger } from '../../../lambdas/core/Logger';
import type { InvocationResult } from '../environment/types';
import type { LocalEventSourceMapping } from '../types';

/** A record read from a source, with what the poller needs besides the Lambda event record itself. */
export interface SourceRecord<E = unknown> {
  /** Sequence number (streams) or offset (Kafka), as a decimal string: what checkpoints and commits name. */
  readonly position: string;
  /** Approximate arrival (streams) or record timestamp (Kafka), epoch ms: what the record age is measured on. */
  readonly arrivalMs: number;
  /** What ParallelizationFactor hashes to keep order: the Kinesis partition key, the DynamoDB item key. */
  readonly orderKey: string;
  /** The record exactly as Lambda delivers it in the event. */
  readonly eventRecord: E;
  /** Bytes the record adds to the invocation payload (its JSON). */
  readonly sizeBytes: number;
}

/** Why records went to the on-failure destination (`requestContext.condition`). */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded' | 'MaximumPayloadSizeExceeded';

/** Records given up on, with what the on-failure record reports about them. */
export interface Discarded<R extends SourceRecord = SourceRecord> {
  readonly records: readonly R[];
  readonly condition: DiscardCondition;
  /** The last invocation that carried these records; absent when they were never invoked. */
  readonly lastResult?: InvocationResult;
  /** Invocations that carried these records (`approximateInvokeCount`). */
  readonly invokeCount: number;
}

/** The stream sources a StreamPoller reads. */
export type StreamSourceKind = 'dynamodb-streams' | 'kinesis';

/** Timing knobs of the pollers; the defaults follow AWS where AWS documents a rate. */
export interface PollerSettings {
  /**
   * Each shard is read at most once per this interval (per source kind) unless the last read says more is
   * waiting (a full page, or a Kinesis reader behind the stream's tip): AWS's base rates.
   */
  readonly pollIntervalMs: Readonly<Record<StreamSourceKind, number>>;
  /** How often the shard list is read again to pick up new (child) shards. */
  readonly shardRefreshMs: number;
  /** First retry delay after a failed invocation; doubles per attempt up to `retryBackoffMaxMs`. */
  readonly retryBackoffBaseMs: number;
  readonly retryBackoffMaxMs: number;
  /** Records read but not yet checkpointed per shard before reading pauses. */
  readonly maxBufferedRecords: number;
}

/** The function a poller invokes (a FunctionPool). */
export interface FunctionInvoker {
  readonly functionName: string;
  invoke(event: unknown): Promise<InvocationResult>;
}

/**
 * Where a stream mapping keeps each shard's checkpoint (the sequence number of the last record done), so
 * a restarted runtime resumes after it instead of re-reading from the starting position, as an event
 * source mapping does in AWS. Kafka positions live in the broker as committed group offsets.
 */
export interface CheckpointStore {
  get(scope: string, shardId: string): string | undefined;
  set(scope: string, shardId: string, sequenceNumber: string): void;
  /** Makes every checkpoint set so far durable (a store that writes later); called at stop. */
  flush?(): Promise<void>;
}

/** A batch given up on, as an on-failure destination receives it. */
export interface FailedBatch {
  /** The metadata record (`requestContext`, `responseContext`, the `…BatchInfo`); all SQS receives. */
  readonly invocationRecord: object;
  /** The shard (streams) or `topic-partition` (Kafka) of the records: part of an S3 record's key. */
  readonly shardId: string;
  /** The event the function was (or would have been) invoked with: what an S3 record keeps as `payload`. */
  readonly event: unknown;
}

/** Where a mapping sends the records it gave up on (an `OnFailureDestination`). */
export interface FailureDestination {
  send(failed: FailedBatch): Promise<void>;
}

/** What every poller gets from the runtime. */
export interface PollerContext {
  readonly mapping: LocalEventSourceMapping;
  readonly fn: FunctionInvoker;
  readonly destination: FailureDestination;
  readonly checkpoints: CheckpointStore;
  readonly logger: Logger;
  /** The clock record ages are measured with (tests move it forward instead of waiting). */
  readonly now: () => number;
  readonly region: string;
  readonly accountId: string;
  readonly settings: PollerSettings;
}

/** One running event source mapping. */
export interface Poller {
  readonly mapping: LocalEventSourceMapping;
  /** Starts polling; resolves once the starting position is fixed (iterators acquired, group joined). */
  start(): Promise<void>;
  /** Stops reading, lets running invocations finish (bounded), and releases connections. */
  stop(): Promise<void>;
}
