import type { KafkaRecord } from '../kafkaRecords';

/** Kinds of poison records, written as `errorType` on dead letters. */
export const POISON_KINDS = {
  decode: 'DecodeError',
  missingField: 'MissingField',
  wrongType: 'WrongType',
  tooLarge: 'RecordTooLarge',
  schema: 'SchemaViolation',
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

/** A sink applied a partition's events up to (not including) `failedAtOffset`; the rest must be redelivered. */
export class PartitionApplyError extends Error {
  readonly failedAtOffset: number;

  constructor(failedAtOffset: number, cause: unknown) {
    super(
      `apply failed at offset ${failedAtOffset}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'PartitionApplyError';
    this.failedAtOffset = failedAtOffset;
  }
}

/** A poison record found by a sink while planning its writes. */
export interface PoisonFinding {
  readonly record: KafkaRecord;
  readonly error: PoisonRecordError;
}
