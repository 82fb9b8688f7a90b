/**
 * Decoding of a DynamoDB Streams record, as Lambda delivers it, into a {@link DynamoDbChange}.
 * `ApproximateCreationDateTime` is in seconds there (unless the record states a precision);
 * `source.sequenceNumber` is the stream record's `SequenceNumber`, which orders an item's changes.
 *
 * @example
 * ```ts
 * const change = decodeStreamRecord(event.Records[0]); // throws PoisonChangeError when malformed
 * ```
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeError } from './errors';
import { changeTimeMicros, eventNameOf, isTtlDelete, objectField, stringField } from './recordFields';
import type { AttributeMap, DynamoDbChange } from './types';

const TABLE_IN_STREAM_ARN = /:table\/([^/]+)\/stream\//;

/** Every record of an invocation comes from one stream: its ARN's table is remembered. */
let lastArn: string | undefined;
let lastTable: string | undefined;

/** The table name in a DynamoDB stream ARN (`arn:aws:dynamodb:…:table/NAME/stream/LABEL`). */
function tableOfStreamArn(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  if (arn !== lastArn) {
    lastTable = TABLE_IN_STREAM_ARN.exec(arn)?.[1];
    lastArn = arn;
  }
  return lastTable;
}

export function decodeStreamRecord(record: DynamoDBRecord): DynamoDbChange {
  const raw = record as Record<string, unknown>;
  const eventName = eventNameOf(raw.eventName, 'eventName');
  const table = tableOfStreamArn(record.eventSourceARN);
  if (!table)
    throw decodeError('eventSourceARN', `${JSON.stringify(record.eventSourceARN)} is not a stream ARN`);
  const dynamodb = objectField(raw, 'dynamodb', 'record');
  const seconds = dynamodb.ApproximateCreationDateTime;
  return {
    path: 'dynamodb-streams',
    eventName,
    table,
    region: stringField(raw, 'awsRegion', 'record'),
    eventId: stringField(raw, 'eventID', 'record'),
    sequenceNumber: stringField(dynamodb, 'SequenceNumber', 'dynamodb'),
    keys: objectField(dynamodb, 'Keys', 'dynamodb') as AttributeMap,
    newImage: dynamodb.NewImage as AttributeMap | undefined,
    oldImage: dynamodb.OldImage as AttributeMap | undefined,
    createdAtMicros: changeTimeMicros(seconds, dynamodb.ApproximateCreationDateTimePrecision, 'SECOND'),
    ttlExpired: isTtlDelete(eventName, raw.userIdentity),
  };
}
