/** Types of the Redis sink's planning and apply steps. */
import type { KafkaRecord } from '../core/kafkaRecords';
import type { SinkEvent } from '../core/sink/sinkEvent';

/**
 * One Redis command run inside the apply script. `SB.VSET`, `SB.VHSET` and `SB.VDEL` are the script's own
 * version-guarded cache operations; their version key rides in `versionKey`.
 */
export interface PlannedCommand {
  readonly name: string;
  readonly key: string;
  readonly versionKey?: string;
  readonly args: readonly string[];
}

/** Running totals of the script arguments a chunk will carry (to cut chunks before they grow too big). */
export interface WriteSizes {
  args: number;
  bytes: number;
}

/** The compacted writes of one key: every event of the chunk that touches the key, folded together. */
export interface KeyWrite {
  readonly key: string;
  /** Lowest offset among the events folded in. */
  readonly firstOffset: number;
  /** The records folded in (to dead-letter them if Redis refuses the key's commands). */
  readonly records: readonly KafkaRecord[];
  commands(): PlannedCommand[];
}

/** A part of a partition's batch applied by one script call per slot group, atomic with its watermark. */
export interface PlannedChunk {
  /** Every event of the chunk's offset range (replanned from when a watermark is found inside it). */
  readonly events: readonly SinkEvent[];
  /** The watermark after the chunk: its last event's offset, or the batch's last offset for the last chunk. */
  readonly lastOffset: number;
  readonly writes: readonly KeyWrite[];
}

/** What the sink does with a chunk's compacted writes. */
export interface ApplyLimits {
  readonly maxArgsPerCall: number;
  readonly maxBytesPerCall: number;
  readonly tombstoneTtlSeconds: number;
  readonly deadlineMarginMs: number;
}
