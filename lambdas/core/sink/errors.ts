import type { KafkaRecord } from '../kafkaRecords';

/** Kinds of poison records, written as `errorType` on dead letters. */
export const POISON_KINDS = {
  decode: 'DecodeError',
  missingField: 'MissingField',
  wrongType: 'WrongType',
  tooLarge: 'RecordTooLarge',
  schema: 'SchemaViolation',
  /** An event-sourced entity's event does not follow its stored version (an earlier event is missing). */
  versionGap: 'VersionGap',
  /** An event older than its mapping's allowed lateness (the session it belongs to is already closed). */
  late: 'LateEvent',
} as const;

export type PoisonKind = (typeof POISON_KINDS)[keyof typeof POISON_KINDS];

/**
 * A record that can never be applied, whatever the retries: it goes to the dead-letter queue with this
 * reason and the partition goes on.
 */
export class PoisonRecordError extends Error {
  readonly kind: PoisonKind;

  constructor(kind: PoisonKind, message: string) {
    super(message);
    this.name = 'PoisonRecordError';
    this.kind = kind;
  }
}

/**
 * A sink applied a partition's events up to (not including) `failedAtOffset`; the rest must be redelivered.
 * `poison` carries the poison records the sink found before failing: those below `failedAtOffset` are not
 * redelivered, so they must still reach the dead-letter queue.
 */
export class PartitionApplyError extends Error {
  readonly failedAtOffset: number;
  readonly poison: readonly PoisonFinding[];

  constructor(failedAtOffset: number, cause: unknown, poison: readonly PoisonFinding[] = []) {
    super(
      `apply failed at offset ${failedAtOffset}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'PartitionApplyError';
    this.failedAtOffset = failedAtOffset;
    this.poison = poison;
  }
}

/** A poison record found by a sink while planning its writes. */
export interface PoisonFinding {
  readonly record: KafkaRecord;
  readonly error: PoisonRecordError;
}
