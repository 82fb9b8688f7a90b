/** Types of `streambridge replay`. */
import type { REPLAY_SOURCES } from './constants';

export type ReplaySource = (typeof REPLAY_SOURCES)[number];

export interface ReplayOptions {
  readonly source: ReplaySource;
  /** Only failure records of this function (name, or a part of its name or ARN). */
  readonly functionFilter?: string;
  /** Only failure records of this mapping (its UUID in the S3 key) or this topic-partition / shard. */
  readonly mappingFilter?: string;
  /** At most this many failure records (objects + dead letters). */
  readonly limit?: number;
  /** List what would be replayed; invoke nothing, delete nothing. */
  readonly dryRun: boolean;
  /** `local` (the local deployment's functions) or `aws` (Lambda Invoke). */
  readonly target: 'local' | 'aws';
  /** Failure-record buckets (default locally: the deployment's buckets; required against AWS). */
  readonly buckets: readonly string[];
  /** Dead-letter queue URLs (default: the queues the functions' `DEAD_LETTER_QUEUE_URL` name). */
  readonly queues: readonly string[];
  /** Local deployment state file. */
  readonly stateFile?: string;
}

/** A function replays can invoke. */
export interface ReplayFunction {
  readonly name: string;
  readonly arn: string;
  readonly deadLetterQueueUrl?: string;
}

/** What an invocation answered: the handler's result, or the function error. */
export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: string };

/** Where replays go: the functions there and how to invoke one. */
export interface ReplayTarget {
  functions(): Promise<readonly ReplayFunction[]>;
  invoke(functionName: string, event: unknown): Promise<InvokeResult>;
  close(): Promise<void>;
}

/** One failure record to replay: an S3 object or a dead letter, with the event to invoke with. */
export interface FailureItem {
  readonly source: 's3' | 'dlq';
  /** The S3 key or the dead letter's id. */
  readonly id: string;
  readonly functionName: string;
  /** Mapping UUID (S3) or topic-partition, for filtering and the report. */
  readonly mapping: string;
  /** Records in the event. */
  readonly records: number;
  readonly event: object;
  /** Removes the failure record (called only after a successful replay). */
  remove(): Promise<void>;
  /** Gives it back untouched (a dead letter becomes visible again). */
  release(): Promise<void>;
}

/** What happened to one failure record. */
export interface ReplayItemResult {
  readonly source: 's3' | 'dlq';
  readonly id: string;
  readonly functionName: string;
  readonly records: number;
  /**
   * `not-replayable`: the sink skipped records below a watermark that keeps no owed ledger, so it cannot
   * tell whether they were applied; the failure record is kept.
   */
  readonly status: 'replayed' | 'failed' | 'would-replay' | 'unreplayable' | 'not-replayable';
  /** Records applied / skipped as applied before (sinks' replay report). */
  readonly applied?: number;
  readonly skipped?: number;
  /** Why it still fails. */
  readonly reasons?: readonly string[];
}
