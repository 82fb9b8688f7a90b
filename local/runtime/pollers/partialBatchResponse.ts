/**
 * Reading a function's partial batch response (`ReportBatchItemFailures`): the index of the first record to
 * retry. Lambda checkpoints before the lowest reported item and retries from it; an empty or null list is
 * a complete success; an empty, null or unknown `itemIdentifier` makes the whole batch a failure.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 */
import type { SourceRecord } from './types';

/** `undefined`: all succeeded; a number: index of the first failed record; `invalid`: a malformed report. */
export type FailureIndex = number | 'invalid' | undefined;

function failureList(payload: unknown): unknown[] | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const list = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return undefined;
  return Array.isArray(list) ? list : [];
}

function lowest(indexes: readonly (number | undefined)[]): FailureIndex {
  if (indexes.length === 0) return undefined;
  if (indexes.some((index) => index === undefined)) return 'invalid';
  return Math.min(...(indexes as number[]));
}

/**
 * Streams (DynamoDB, Kinesis): `{ batchItemFailures: [{ itemIdentifier: "<sequence number>" }] }`.
 *
 * @example
 * ```ts
 * streamFailureIndex({ batchItemFailures: [{ itemIdentifier: '300' }] }, records); // index of record 300
 * ```
 */
export function streamFailureIndex(payload: unknown, records: readonly SourceRecord[]): FailureIndex {
  const list = failureList(payload);
  if (!list) return undefined;
  const indexOf = new Map(records.map((record, index) => [record.position, index]));
  return lowest(
    list.map((item) => {
      const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      return typeof id === 'string' && id !== '' ? indexOf.get(id) : undefined;
    }),
  );
}

/**
 * Kafka: `{ batchItemFailures: [{ itemIdentifier: { "topic-partition": "t-0", "offset": 15 } }] }` for a
 * batch of one partition (`topicPartition`).
 */
export function kafkaFailureIndex(
  payload: unknown,
  records: readonly SourceRecord[],
  topicPartition: string,
): FailureIndex {
  const list = failureList(payload);
  if (!list) return undefined;
  const indexOf = new Map(records.map((record, index) => [record.position, index]));
  return lowest(
    list.map((item) => {
      const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier as
        | { 'topic-partition'?: unknown; offset?: unknown }
        | undefined;
      if (typeof id !== 'object' || id === null || id['topic-partition'] !== topicPartition) return undefined;
      const offset = id.offset;
      if ((typeof offset !== 'number' && typeof offset !== 'string') || offset === '') return undefined;
      return indexOf.get(String(offset));
    }),
  );
}
