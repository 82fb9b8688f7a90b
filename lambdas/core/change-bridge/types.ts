import type { ChangePath, DynamoDbChange } from '../envelope/types';
import type { RecordCoordinates } from '../types';

/** Where a stream record sits: what the partial batch response reports and what a dead letter carries. */
export interface RecordLocation {
  /** The sequence number Lambda checkpoints on (`itemIdentifier`); undefined only for a malformed event. */
  readonly checkpointId: string | undefined;
  /** Records of one shard share this; a failure holds back every later record of its shard. */
  readonly shard: string;
  readonly coordinates: RecordCoordinates;
}

/** How one path's Lambda records are located, decoded and kept for dead letters. */
export interface ChangeCarrier<R> {
  readonly path: ChangePath;
  locate(record: R): RecordLocation;
  /** Throws `PoisonChangeError` when the record cannot be decoded. */
  decode(record: R): DynamoDbChange;
  /** The original record as text, for the dead letter. */
  payload(record: R): string;
}
