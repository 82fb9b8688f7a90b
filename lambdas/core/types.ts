/** Types shared by the handlers. */
import type { Context } from 'aws-lambda';
import type { ReplayReport } from './replayEvent';

/** What the handlers read of Lambda's context object (tests and benchmarks pass just this). */
export type InvocationContext = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

export type ChangeOperation = 'c' | 'u' | 'd';

/**
 * The change envelope published on CDC topics (Debezium-shaped, plain JSON). DynamoDB attribute values
 * are unmarshalled with the lossless mapping of `envelope/losslessMapping.ts` (docs/envelope.md).
 */
export interface ChangeEnvelope {
  readonly op: ChangeOperation;
  readonly key: Record<string, unknown>;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly source: {
    readonly system: 'dynamodb';
    readonly table: string;
    readonly region: string;
    readonly eventId: string;
    /**
     * Decimal string that orders an item's changes (compare as integers): the DynamoDB Streams
     * `SequenceNumber`, or on the Kinesis path (which carries none) the creation time in microseconds.
     */
    readonly sequenceNumber: string;
    /** Approximate creation time of the change, epoch ms. */
    readonly ts_ms: number;
    /** True when the REMOVE was made by DynamoDB TTL. */
    readonly ttlExpired: boolean;
  };
  /** When the bridge produced the envelope, epoch ms. */
  readonly ts_ms: number;
}

/** Partial batch response of stream sources: the sequence number of a failed record. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Partial batch response of Kafka sources (MSK and self-managed). */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: { 'topic-partition': string; offset: number } }[];
  /** Only in the answer to a replay invocation (`streambridge replay`). */
  replay?: ReplayReport;
}

/** Where a record came from, logged and attached to dead letters. */
export type RecordCoordinates =
  | {
      readonly source: 'dynamodb-streams' | 'kinesis';
      readonly stream: string;
      readonly sequenceNumber: string;
      readonly shard?: string;
    }
  | { readonly source: 'kafka'; readonly topic: string; readonly partition: number; readonly offset: number };
