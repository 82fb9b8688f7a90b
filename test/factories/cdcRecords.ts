/**
 * Record factories for the change bridges: one change, rendered as a DynamoDB Streams record (as Lambda
 * delivers it) or as a Kinesis record in DynamoDB's Kinesis format; converters from what the AWS SDK
 * reads off a real stream; and a fast-check arbitrary of DynamoDB items.
 */
import type { _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDBRecord,
  DynamoDBStreamEvent,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import fc from 'fast-check';
import type { AttributeMap, AttributeValue } from '../../lambdas/core/envelope/types';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const TTL_USER_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };

export interface ChangeSpec {
  readonly table?: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: AttributeMap;
  readonly newImage?: AttributeMap;
  readonly oldImage?: AttributeMap;
  readonly eventId?: string;
  /** DynamoDB stream sequence number. */
  readonly sequenceNumber?: string;
  /** Creation time, epoch ms (the Streams record carries it in whole seconds). */
  readonly createdAtMs?: number;
  readonly ttl?: boolean;
}

export const DEFAULT_TABLE = 'sb-test-orders';
export const DEFAULT_CREATED_AT_MS = 1_764_144_000_000;

export function streamArn(table: string): string {
  return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/stream/2026-11-26T00:00:00.000`;
}

export function kinesisArn(stream = 'sb-test-changes'): string {
  return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${stream}`;
}

let counter = 0;
function nextId(): string {
  counter += 1;
  return counter.toString(16).padStart(32, '0');
}

/** A DynamoDB Streams record as Lambda delivers it. */
export function streamRecord(spec: ChangeSpec): DynamoDBRecord {
  const table = spec.table ?? DEFAULT_TABLE;
  return {
    eventID: spec.eventId ?? nextId(),
    eventName: spec.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    // The project's AttributeValue (readonly lists) is the same wire form as @types/aws-lambda's.
    dynamodb: {
      ApproximateCreationDateTime: Math.floor((spec.createdAtMs ?? DEFAULT_CREATED_AT_MS) / 1000),
      Keys: spec.keys,
      ...(spec.newImage ? { NewImage: spec.newImage } : {}),
      ...(spec.oldImage ? { OldImage: spec.oldImage } : {}),
      SequenceNumber: spec.sequenceNumber ?? `${4_000_000_000_000 + counter}`,
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    } as unknown as DynamoDBRecord['dynamodb'],
    eventSourceARN: streamArn(table),
    ...(spec.ttl ? { userIdentity: TTL_USER_IDENTITY } : {}),
  };
}

/** The JSON DynamoDB writes to Kinesis for a change (before base64). */
export function kinesisChangeDocument(
  spec: ChangeSpec,
  precision: 'MILLISECOND' | 'MICROSECOND' = 'MILLISECOND',
): Record<string, unknown> {
  const ms = spec.createdAtMs ?? DEFAULT_CREATED_AT_MS;
  return {
    awsRegion: REGION,
    eventID: spec.eventId ?? nextId(),
    eventName: spec.eventName,
    userIdentity: spec.ttl ? TTL_USER_IDENTITY : null,
    recordFormat: 'application/json',
    tableName: spec.table ?? DEFAULT_TABLE,
    dynamodb: {
      ApproximateCreationDateTime: precision === 'MILLISECOND' ? ms : ms * 1000,
      ApproximateCreationDateTimePrecision: precision,
      Keys: spec.keys,
      ...(spec.newImage ? { NewImage: spec.newImage } : {}),
      ...(spec.oldImage ? { OldImage: spec.oldImage } : {}),
      SizeBytes: 100,
    },
    eventSource: 'aws:dynamodb',
  };
}

export interface KinesisPlacement {
  readonly sequenceNumber?: string;
  readonly shardId?: string;
  readonly stream?: string;
}

/** A Kinesis record as Lambda delivers it, carrying `data` (an object is JSON-encoded, a string sent as is). */
export function kinesisRecordOf(data: unknown, placement: KinesisPlacement = {}): KinesisStreamRecord {
  const shardId = placement.shardId ?? 'shardId-000000000000';
  const sequenceNumber =
    placement.sequenceNumber ??
    `49590338271490256608559692538361571095921575989136${String(counter++).padStart(6, '0')}`;
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'pk',
      sequenceNumber,
      data: Buffer.from(text).toString('base64'),
      approximateArrivalTimestamp: DEFAULT_CREATED_AT_MS / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/bridge`,
    awsRegion: REGION,
    eventSourceARN: kinesisArn(placement.stream),
  };
}

export function kinesisRecord(
  spec: ChangeSpec,
  placement: KinesisPlacement & { precision?: 'MILLISECOND' | 'MICROSECOND' } = {},
): KinesisStreamRecord {
  return kinesisRecordOf(kinesisChangeDocument(spec, placement.precision), placement);
}

export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

/** An attribute value read by the AWS SDK (binary as bytes) in its JSON wire form (binary as base64). */
function wireValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(wireValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireValue(v)]));
  }
  return value;
}

/**
 * What Lambda's event source mapping hands the function for a record read with GetRecords: the same
 * record, with `ApproximateCreationDateTime` in epoch seconds and binary as base64.
 */
export function lambdaRecordFromSdk(record: SdkStreamRecord, streamArnValue: string): DynamoDBRecord {
  const dynamodb = record.dynamodb ?? {};
  const created = dynamodb.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArnValue,
    // The SDK reads `{Type, PrincipalId}`; Lambda's event carries `{type, principalId}`.
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
    dynamodb: {
      ...(wireValue({
        Keys: dynamodb.Keys,
        ...(dynamodb.NewImage ? { NewImage: dynamodb.NewImage } : {}),
        ...(dynamodb.OldImage ? { OldImage: dynamodb.OldImage } : {}),
      }) as object),
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
      SequenceNumber: dynamodb.SequenceNumber,
      SizeBytes: dynamodb.SizeBytes,
      StreamViewType: dynamodb.StreamViewType,
    },
  };
}

/** The JSON DynamoDB would put on Kinesis for the change in a Lambda DynamoDB Streams record. */
export function kinesisDocumentFromStreamRecord(
  record: DynamoDBRecord,
  createdAtMs: number,
): Record<string, unknown> {
  const table = /:table\/([^/]+)\//.exec(record.eventSourceARN ?? '')?.[1];
  const { Keys, NewImage, OldImage, SizeBytes } = record.dynamodb ?? {};
  return {
    awsRegion: record.awsRegion,
    eventID: record.eventID,
    eventName: record.eventName,
    userIdentity: record.userIdentity ?? null,
    recordFormat: 'application/json',
    tableName: table,
    dynamodb: {
      ApproximateCreationDateTime: createdAtMs,
      ApproximateCreationDateTimePrecision: 'MILLISECOND',
      Keys,
      ...(NewImage ? { NewImage } : {}),
      ...(OldImage ? { OldImage } : {}),
      SizeBytes,
    },
    eventSource: 'aws:dynamodb',
  };
}

// --- fast-check: any DynamoDB item -------------------------------------------------------------------

/** Decimal texts as DynamoDB returns them, plus non-canonical ones the mapping must still keep. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.maxSafeInteger().map(String),
  fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.stringMatching(/^\d{1,18}$/), fc.boolean())
    .map(([whole, fraction, negative]) => `${negative ? '-' : ''}${whole}.${fraction}`),
  fc.constantFrom('9007199254740993', '-9007199254740993', '9007199254740992', '1e21', '0.1', '100', '-0'),
);

const base64 = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'));

/** Any UTF-16 text: control characters, quotes, backslashes, lone surrogates included. */
const anyText = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })), { maxLength })
    .map((codes) => String.fromCharCode(...codes));

const text = fc.oneof(fc.string(), anyText(12));

/** Any UTF-16 text up to 40 code units. */
export const utf16TextArbitrary: fc.Arbitrary<string> = anyText(40);

/** Attribute names, including ones that collide with tags or `__proto__`, and array-index-like ones. */
const attributeName = fc.oneof(
  fc.string({ maxLength: 8 }),
  anyText(6),
  fc.constantFrom('$N', '$B', '$SS', '$NS', '$BS', '$M', '__proto__', 'constructor', ''),
  fc.constantFrom('0', '9', '10', '01', '4294967294', '4294967295'),
);

function uniqueNonEmpty<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.uniqueArray(item, { minLength: 1, maxLength: 5 });
}

function record<T>(value: fc.Arbitrary<T>, maxKeys: number): fc.Arbitrary<Record<string, T>> {
  return fc.array(fc.tuple(attributeName, value), { maxLength: maxKeys }).map((entries) => {
    const out: Record<string, T> = {};
    for (const [name, v] of entries)
      Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

const { attribute } = fc.letrec<{ attribute: AttributeValue }>((tie) => ({
  attribute: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((S) => ({ S })),
    numberText.map((N) => ({ N })),
    base64.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    uniqueNonEmpty(text).map((SS) => ({ SS })),
    uniqueNonEmpty(numberText).map((NS) => ({ NS })),
    uniqueNonEmpty(base64).map((BS) => ({ BS })),
    fc.array(tie('attribute'), { maxLength: 4 }).map((L) => ({ L })),
    record(tie('attribute'), 4).map((M) => ({ M })),
  ),
}));

/** Any DynamoDB attribute value (nested lists and maps included). */
export const attributeValueArbitrary: fc.Arbitrary<AttributeValue> = attribute;

/** Any DynamoDB item. */
export const itemArbitrary: fc.Arbitrary<AttributeMap> = record(attribute, 8);
