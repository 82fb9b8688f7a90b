/** Types of DynamoDB changes as the bridges read them, before they become change envelopes. */
import type { ENVELOPE_WRITERS } from './constants';

/** Who writes the envelope text (`STREAMBRIDGE_ENVELOPE_WRITER`). */
export type EnvelopeWriter = (typeof ENVELOPE_WRITERS)[number];

/**
 * A DynamoDB attribute value in its JSON wire form (as Lambda delivers DynamoDB Streams records and as
 * DynamoDB writes changes to Kinesis): numbers are decimal strings, binary is base64.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: AttributeMap };

export type AttributeMap = { readonly [name: string]: AttributeValue };

/** A JSON value of a change envelope (the lossless mapping of an attribute value). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export type JsonObject = { readonly [name: string]: JsonValue };

export type ChangeEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** The path a table's changes take to the bridge. */
export type ChangePath = 'dynamodb-streams' | 'kinesis';

/**
 * One item-level change, decoded from either carrier (a DynamoDB Streams record or a Kinesis record in
 * DynamoDB's Kinesis format). Images are still attribute values: the envelope maps them.
 */
export interface DynamoDbChange {
  readonly path: ChangePath;
  readonly eventName: ChangeEventName;
  readonly table: string;
  readonly region: string;
  readonly eventId: string;
  /**
   * What orders this change among the item's changes on its path (`source.sequenceNumber`): the DynamoDB
   * Streams sequence number, or on the Kinesis path the approximate creation time in microseconds.
   */
  readonly sequenceNumber: string;
  readonly keys: AttributeMap;
  readonly newImage: AttributeMap | undefined;
  readonly oldImage: AttributeMap | undefined;
  /** Approximate creation time in microseconds since the epoch, at the precision the carrier gives. */
  readonly createdAtMicros: number;
  /** A REMOVE made by DynamoDB TTL, not by a caller. */
  readonly ttlExpired: boolean;
}
