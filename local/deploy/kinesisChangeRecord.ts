import { createHash } from 'node:crypto';
import type { AttributeValue, _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';

/** DynamoDB JSON as it travels in text: binary values base64-encoded. */
export type DynamoJson = Record<string, unknown>;

/** A change in the format DynamoDB writes to a Kinesis streaming destination. */
export interface KinesisChangeRecord {
  readonly awsRegion: string;
  readonly eventID: string;
  readonly eventName: string;
  readonly userIdentity: { readonly type: string; readonly principalId: string } | null;
  readonly recordFormat: 'application/json';
  readonly tableName: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly ApproximateCreationDateTimePrecision: 'MILLISECOND';
    readonly Keys: DynamoJson;
    readonly NewImage?: DynamoJson;
    readonly OldImage?: DynamoJson;
    readonly SizeBytes: number;
  };
  readonly eventSource: 'aws:dynamodb';
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function attributeJson(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: imageJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeJson) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  return value;
}

function imageJson(image: Record<string, AttributeValue>): DynamoJson {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, attributeJson(value)]));
}

/**
 * The Kinesis partition key of a change: a stable hash of the item's primary key, so every change of one item
 * lands on one shard (DynamoDB hashes the key too; its exact function is internal).
 *
 * @example
 * ```ts
 * changePartitionKey({ orderId: { S: 'o-1' } }); // '4c9f…' (32 hex characters), the same for every change of o-1
 * ```
 */
export function changePartitionKey(keys: DynamoJson): string {
  const canonical = JSON.stringify(
    Object.keys(keys)
      .sort()
      .map((name) => [name, keys[name]]),
  );
  return createHash('md5').update(canonical).digest('hex');
}

/**
 * Converts a DynamoDB Streams record into the document DynamoDB writes to Kinesis Data Streams for the same
 * change: `ApproximateCreationDateTime` in milliseconds, both images whatever the stream view type had
 * (those present in the record), binary values base64-encoded, the TTL service identity kept.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html
 *
 * @example
 * ```ts
 * const change = toKinesisChangeRecord(streamRecord, 'orders', 'us-east-1');
 * await kinesis.send(new PutRecordCommand({ StreamName, Data: Buffer.from(JSON.stringify(change)), PartitionKey: changePartitionKey(change.dynamodb.Keys) }));
 * ```
 */
export function toKinesisChangeRecord(
  record: StreamRecord,
  tableName: string,
  region: string,
): KinesisChangeRecord {
  const change = record.dynamodb ?? {};
  const created = change.ApproximateCreationDateTime;
  const identity = record.userIdentity;
  return {
    awsRegion: record.awsRegion ?? region,
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? '',
    userIdentity:
      identity?.Type !== undefined || identity?.PrincipalId !== undefined
        ? { type: identity.Type ?? '', principalId: identity.PrincipalId ?? '' }
        : null,
    recordFormat: 'application/json',
    tableName,
    dynamodb: {
      ApproximateCreationDateTime: created instanceof Date ? created.getTime() : Date.now(),
      ApproximateCreationDateTimePrecision: 'MILLISECOND',
      Keys: imageJson(change.Keys ?? {}),
      ...(change.NewImage ? { NewImage: imageJson(change.NewImage) } : {}),
      ...(change.OldImage ? { OldImage: imageJson(change.OldImage) } : {}),
      SizeBytes: change.SizeBytes ?? 0,
    },
    eventSource: 'aws:dynamodb',
  };
}
