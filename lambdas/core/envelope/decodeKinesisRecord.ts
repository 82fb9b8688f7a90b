/**
 * Decoding of a Kinesis record carrying a DynamoDB change (DynamoDB's Kinesis streaming destination format).
 * That format has no sequence number and may repeat or reorder changes: `source.sequenceNumber` on this path
 * is the approximate creation time in microseconds.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { KINESIS_CHANGE_FORMAT } from './constants';
import { decodeError } from './errors';
import { changeTimeMicros, eventNameOf, isTtlDelete, objectField, stringField } from './recordFields';
import type { AttributeMap, DynamoDbChange } from './types';

function parseData(record: KinesisStreamRecord): Record<string, unknown> {
  const data = record.kinesis?.data;
  if (typeof data !== 'string') throw decodeError('kinesis.data', 'is missing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch (error) {
    throw decodeError('kinesis.data', `is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw decodeError('kinesis.data', 'is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * The change a Kinesis record carries; throws a `PoisonChangeError` naming the bad field.
 *
 * @example
 * ```ts
 * const change = decodeKinesisRecord(event.Records[0]); // throws PoisonChangeError when malformed
 * ```
 */
export function decodeKinesisRecord(record: KinesisStreamRecord): DynamoDbChange {
  const change = parseData(record);
  if (change.recordFormat !== undefined && change.recordFormat !== KINESIS_CHANGE_FORMAT.recordFormat) {
    throw decodeError(
      'recordFormat',
      `${JSON.stringify(change.recordFormat)} is not ${KINESIS_CHANGE_FORMAT.recordFormat}`,
    );
  }
  const eventName = eventNameOf(change.eventName, 'eventName');
  const dynamodb = objectField(change, 'dynamodb', 'change');
  const createdAtMicros = changeTimeMicros(
    dynamodb.ApproximateCreationDateTime,
    dynamodb.ApproximateCreationDateTimePrecision,
    'INFER',
  );
  return {
    path: 'kinesis',
    eventName,
    table: stringField(change, 'tableName', 'change'),
    region: stringField(change, 'awsRegion', 'change'),
    eventId: stringField(change, 'eventID', 'change'),
    sequenceNumber: String(createdAtMicros),
    keys: objectField(dynamodb, 'Keys', 'dynamodb') as AttributeMap,
    newImage: dynamodb.NewImage as AttributeMap | undefined,
    oldImage: dynamodb.OldImage as AttributeMap | undefined,
    createdAtMicros,
    ttlExpired: isTtlDelete(eventName, change.userIdentity),
  };
}
