/** Constants of the change envelope's lossless mapping and of change decoding. */

/**
 * Tags of the JSON forms that keep what plain JSON would lose. A JSON object with exactly one member whose
 * name is one of these is a tagged value; every other object is a map.
 */
export const VALUE_TAGS = {
  /** A number that a JSON number would not carry exactly: `{"$N": "12345678901234567890"}`. */
  number: '$N',
  /** Binary, base64: `{"$B": "AAEC"}`. */
  binary: '$B',
  stringSet: '$SS',
  /** Number set, as the decimal strings DynamoDB holds: `{"$NS": ["1", "2.5"]}`. */
  numberSet: '$NS',
  binarySet: '$BS',
  /** A map that would read as a tagged value (its only key is a tag): `{"$M": {"$N": "x"}}`. */
  map: '$M',
} as const;

/** The texts DynamoDB's JSON form allows for a number (`N`, `NS` elements) and for binary (`B`, `BS`). */
export const ATTRIBUTE_TEXT = {
  number: /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/,
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
} as const;

export const TAG_NAMES: ReadonlySet<string> = new Set(Object.values(VALUE_TAGS));

/** DynamoDB event names → envelope operations. */
export const OPERATIONS = { INSERT: 'c', MODIFY: 'u', REMOVE: 'd' } as const;

/** The `userIdentity` of deletes made by DynamoDB TTL. */
export const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** DynamoDB's Kinesis record format: the `recordFormat` the Kinesis bridge reads. */
export const KINESIS_CHANGE_FORMAT = { recordFormat: 'application/json' } as const;

/** Microseconds per unit of each `ApproximateCreationDateTimePrecision` of a change record. */
export const MICROS_PER_TIME_UNIT = { MILLISECOND: 1_000, MICROSECOND: 1 } as const;

/**
 * Who writes the envelope text of a table without governance hooks: `compiled` (default; shape writers
 * compiled into JavaScript, compiledItemText.ts) or `general` (the general writer alone, itemText.ts). The
 * same bytes either way; docs/handlers.md says why both exist.
 */
export const ENVELOPE_WRITERS = ['compiled', 'general'] as const;

export const ENVELOPE_DEFAULTS = {
  /** Measured: about 11% less envelope build CPU per batch than the general writer (docs/handlers.md). */
  writer: 'compiled',
} as const;
