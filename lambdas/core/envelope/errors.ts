/** Errors of change decoding and of the change bridge. */

/** Kinds of poison changes, written as `errorType` on dead letters (same words as the sinks use). */
export const CHANGE_POISON_KINDS = {
  /** The record or one of its attribute values cannot be decoded. */
  decode: 'DecodeError',
  /** The `after` image fails the table's JSON schema. */
  schema: 'SchemaViolation',
  /** The encoded message exceeds the topic's maximum message size. */
  tooLarge: 'RecordTooLarge',
  /** The change comes from a table the bridge is not configured for. */
  unknownTable: 'UnknownTable',
} as const;

export type ChangePoisonKind = (typeof CHANGE_POISON_KINDS)[keyof typeof CHANGE_POISON_KINDS];

/**
 * A change that no retry can publish: it is dead-lettered with this reason and its shard goes on.
 *
 * @example
 * ```ts
 * throw new PoisonChangeError('DecodeError', 'NewImage.price: N "abc" is not a number');
 * ```
 */
export class PoisonChangeError extends Error {
  readonly kind: ChangePoisonKind;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(kind: ChangePoisonKind, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = 'PoisonChangeError';
    this.kind = kind;
    this.details = details;
  }
}

/** Shorthand for an undecodable record, naming where in the record the problem is. */
export function decodeError(path: string, problem: string): PoisonChangeError {
  return new PoisonChangeError(CHANGE_POISON_KINDS.decode, `${path}: ${problem}`);
}
