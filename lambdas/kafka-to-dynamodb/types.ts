/** Types shared by the DynamoDB sink's mode writers. */
import type { DynamoMapping, SinkTableConfig } from '../../config/types';
import type { PoisonFinding } from '../core/sink/errors';
import type { SinkEvent } from '../core/sink/sinkEvent';
import type { DynamoRequests } from './DynamoRequests';

/** One mapping's share of a partition batch: the events that match its topic and filter, in offset order. */
export interface MappingBatch {
  readonly topic: string;
  readonly partition: number;
  readonly events: readonly SinkEvent[];
  /** Offset of the partition batch's last record: the aggregate watermark after success. */
  readonly lastOffset: number;
  /** Offset of the partition batch's first record (poison ones included). */
  readonly firstOffset: number;
  /** Offsets of the batch's undecodable records: owed, never covered. */
  readonly skippedOffsets: readonly number[];
  /** A replay invocation (`streambridge replay`): owed records below a watermark are applied. */
  readonly replay: boolean;
  readonly requests: DynamoRequests;
}

export interface MappingResult {
  /** Events this mapping can never apply (dead-lettered with the reason). */
  readonly poison: readonly PoisonFinding[];
  /** Offsets of events skipped because the table showed them already applied (redelivery, stale change). */
  readonly duplicates: readonly number[];
  /**
   * In a replay: of the duplicates, those skipped below a watermark without knowing whether they were
   * applied (below the ledger's floor, or a mode without a ledger).
   */
  readonly unverified?: readonly number[];
  /** Events held back because an earlier version of their entity has not arrived (state mode). */
  readonly versionGaps?: number;
  /** Sessions closed and written (sessions mode). */
  readonly sessionsClosed?: number;
  /** Events dead-lettered as older than the allowed lateness (sessions mode). */
  readonly lateEvents?: number;
  /** Lowest offset not applied when the writes failed: it and everything after it must be redelivered. */
  readonly failedAt?: number;
  readonly failure?: unknown;
}

/** What writing one key (item, entity) of a mapping's batch came to; see {@link MappingResult}. */
export interface KeyResult {
  readonly poison: readonly PoisonFinding[];
  readonly duplicates: readonly number[];
  readonly unverified?: readonly number[];
  readonly failedAt?: number;
  readonly failure?: unknown;
}

/** Applies one mapping's events to its table, idempotently (a redelivered batch changes nothing). */
export interface MappingWriter {
  apply(batch: MappingBatch): Promise<MappingResult>;
}

export interface WriterOptions<M extends DynamoMapping> {
  readonly mapping: M;
  readonly table: SinkTableConfig;
  /** Every table of the sink by name (a state mapping's history table is one of them). */
  readonly tables?: ReadonlyMap<string, SinkTableConfig>;
}
