/**
 * DynamoDB Streams records as Lambda delivers them: the stream record with `eventSourceARN` added,
 * `ApproximateCreationDateTime` in epoch seconds, binary attributes base64-encoded, and a TTL deletion's
 * `userIdentity` as `{ type, principalId }`. https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { SourceRecord } from './types';

export type DynamoSourceRecord = SourceRecord<DynamoDBRecord>;

type LambdaAttributeValue = Record<string, unknown>;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** An SDK attribute value (binary as bytes) in the JSON form of the Lambda event (binary as base64). */
function lambdaAttributeValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttributeValue) };
  if (value.M !== undefined) return { M: lambdaItem(value.M) };
  const { $unknown: _unknown, ...known } = value as AttributeValue & { $unknown?: unknown };
  return known as LambdaAttributeValue;
}

function lambdaItem(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, lambdaAttributeValue(value)]));
}

/** Item keys in one canonical string: the order key of ParallelizationFactor (item-level order). */
function canonicalKeys(keys: Record<string, LambdaAttributeValue> | undefined): string {
  if (!keys) return '';
  return JSON.stringify(
    Object.keys(keys)
      .sort()
      .map((name) => [name, keys[name]]),
  );
}

/**
 * @example
 * ```ts
 * const record = dynamoSourceRecord(page.Records[0], { streamArn, region: 'us-east-1' });
 * record.eventRecord.dynamodb?.ApproximateCreationDateTime; // epoch seconds
 * ```
 */
export function dynamoSourceRecord(
  raw: _Record,
  where: { streamArn: string; region: string },
): DynamoSourceRecord {
  const stream = raw.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  const arrivalMs = created instanceof Date ? created.getTime() : Date.now();
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {
    ApproximateCreationDateTime: Math.floor(arrivalMs / 1000),
    ...(stream.Keys ? { Keys: lambdaItem(stream.Keys) as never } : {}),
    ...(stream.NewImage ? { NewImage: lambdaItem(stream.NewImage) as never } : {}),
    ...(stream.OldImage ? { OldImage: lambdaItem(stream.OldImage) as never } : {}),
    SequenceNumber: stream.SequenceNumber,
    SizeBytes: stream.SizeBytes,
    StreamViewType: stream.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'],
  };
  const eventRecord: DynamoDBRecord = {
    eventID: raw.eventID,
    eventName: raw.eventName as DynamoDBRecord['eventName'],
    eventVersion: raw.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: raw.awsRegion ?? where.region,
    dynamodb,
    eventSourceARN: where.streamArn,
    ...(raw.userIdentity
      ? { userIdentity: { type: raw.userIdentity.Type, principalId: raw.userIdentity.PrincipalId } }
      : {}),
  };
  return {
    position: stream.SequenceNumber ?? '',
    arrivalMs,
    orderKey: canonicalKeys(dynamodb.Keys as Record<string, LambdaAttributeValue> | undefined),
    eventRecord,
    sizeBytes: Buffer.byteLength(JSON.stringify(eventRecord)),
  };
}

export function dynamoStreamEvent(records: readonly DynamoSourceRecord[]): DynamoDBStreamEvent {
  return { Records: records.map((record) => record.eventRecord) };
}
