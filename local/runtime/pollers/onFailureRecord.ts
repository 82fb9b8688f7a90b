/**
 * The invocation records Lambda sends to an SQS (or SNS) on-failure destination of an event source
 * mapping. They carry the batch's coordinates, not the records: the consumer reads them back from the
 * stream or topic.
 * Streams: https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html and
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html (DDBStreamBatchInfo).
 * Kafka: https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html (KafkaBatchInfo with
 * recordsInfo per `topic-partition`).
 */
import { randomUUID } from 'node:crypto';
import type { Discarded, SourceRecord } from './types';

interface RequestContext {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: string;
  readonly approximateInvokeCount: number;
}

interface ResponseContext {
  readonly statusCode: number;
  readonly executedVersion: string;
  readonly functionError?: string;
}

interface InvocationRecordBase {
  readonly requestContext: RequestContext;
  /** null when the records were never sent to the function (too old, too large). */
  readonly responseContext: ResponseContext | null;
  readonly version: '1.0';
  readonly timestamp: string;
}

export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

export type StreamInvocationRecord = InvocationRecordBase &
  ({ readonly DDBStreamBatchInfo: StreamBatchInfo } | { readonly KinesisBatchInfo: StreamBatchInfo });

export interface KafkaRecordsInfo {
  readonly firstRecordOffset: string;
  readonly lastRecordOffset: string;
  readonly firstRecordTimestamp: string;
  readonly lastRecordTimestamp: string;
}

export interface KafkaInvocationRecord extends InvocationRecordBase {
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<Record<string, KafkaRecordsInfo>>;
  };
}

function contexts(discarded: Discarded, functionArn: string, now: Date): InvocationRecordBase {
  const last = discarded.lastResult;
  return {
    requestContext: {
      requestId: last?.requestId ?? randomUUID(),
      functionArn,
      condition: discarded.condition,
      approximateInvokeCount: discarded.invokeCount,
    },
    // A function error is "Unhandled"; a partial batch response is a successful invocation.
    responseContext: last
      ? { statusCode: 200, executedVersion: '$LATEST', ...(last.ok ? {} : { functionError: 'Unhandled' }) }
      : null,
    version: '1.0',
    timestamp: now.toISOString(),
  };
}

function isoTime(ms: number, wholeSeconds: boolean): string {
  const iso = new Date(ms).toISOString();
  return wholeSeconds ? `${iso.slice(0, 19)}Z` : iso;
}

/**
 * The record for discarded DynamoDB Streams (`DDBStreamBatchInfo`) or Kinesis (`KinesisBatchInfo`) records.
 *
 * @example
 * ```ts
 * const body = streamInvocationRecord('kinesis', discarded, { shardId, streamArn, functionArn });
 * ```
 */
export function streamInvocationRecord(
  source: 'dynamodb-streams' | 'kinesis',
  discarded: Discarded,
  where: { shardId: string; streamArn: string; functionArn: string; now?: Date },
): StreamInvocationRecord {
  const first = discarded.records[0] as SourceRecord;
  const last = discarded.records[discarded.records.length - 1] as SourceRecord;
  // DynamoDB reports approximate creation times in whole seconds.
  const wholeSeconds = source === 'dynamodb-streams';
  const info: StreamBatchInfo = {
    shardId: where.shardId,
    startSequenceNumber: first.position,
    endSequenceNumber: last.position,
    approximateArrivalOfFirstRecord: isoTime(first.arrivalMs, wholeSeconds),
    approximateArrivalOfLastRecord: isoTime(last.arrivalMs, wholeSeconds),
    batchSize: discarded.records.length,
    streamArn: where.streamArn,
  };
  const base = contexts(discarded, where.functionArn, where.now ?? new Date());
  return source === 'dynamodb-streams'
    ? { ...base, DDBStreamBatchInfo: info }
    : { ...base, KinesisBatchInfo: info };
}

/** The record for discarded Kafka records of one `topic-partition`. */
export function kafkaInvocationRecord(
  discarded: Discarded,
  where: {
    topicPartition: string;
    eventSourceArn: string;
    bootstrapServers: string;
    functionArn: string;
    now?: Date;
  },
): KafkaInvocationRecord {
  const first = discarded.records[0] as SourceRecord;
  const last = discarded.records[discarded.records.length - 1] as SourceRecord;
  return {
    ...contexts(discarded, where.functionArn, where.now ?? new Date()),
    KafkaBatchInfo: {
      batchSize: discarded.records.length,
      eventSourceArn: where.eventSourceArn,
      bootstrapServers: where.bootstrapServers,
      payloadSize: discarded.records.reduce((sum, record) => sum + record.sizeBytes, 0),
      recordsInfo: {
        [where.topicPartition]: {
          firstRecordOffset: first.position,
          lastRecordOffset: last.position,
          firstRecordTimestamp: isoTime(first.arrivalMs, false),
          lastRecordTimestamp: isoTime(last.arrivalMs, false),
        },
      },
    },
  };
}
