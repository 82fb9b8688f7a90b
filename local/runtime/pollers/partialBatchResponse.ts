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

/** The records of one topic-partition in a Kafka batch. */
export interface KafkaPartitionRecords {
  readonly topicPartition: string;
  readonly records: readonly SourceRecord[];
}

/**
 * Kafka, for a batch of one or more partitions: `{ batchItemFailures: [{ itemIdentifier:
 * { "topic-partition": "t-0", "offset": 15 } }] }`. Gives each partition's index of its first failed
 * record (`undefined`: none failed), or `invalid` for the whole batch when an identifier is malformed or
 * names a record the batch did not carry.
 *
 * @example
 * ```ts
 * kafkaFailureIndexes(payload, [{ topicPartition: 't-0', records }]); // Map { 't-0' => 3 }
 * ```
 */
export function kafkaFailureIndexes(
  payload: unknown,
  parts: readonly KafkaPartitionRecords[],
): ReadonlyMap<string, FailureIndex> | 'invalid' {
  const indexes = new Map<string, FailureIndex>(parts.map((part) => [part.topicPartition, undefined]));
  const list = failureList(payload);
  // The usual answer, an empty list, is read without indexing the batch's records.
  if (!list || list.length === 0) return indexes;
  const positions = new Map(
    parts.map((part) => [
      part.topicPartition,
      new Map(part.records.map((record, i) => [record.position, i])),
    ]),
  );
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier as
      | { 'topic-partition'?: unknown; offset?: unknown }
      | undefined;
    if (typeof id !== 'object' || id === null) return 'invalid';
    const topicPartition = id['topic-partition'];
    const offset = id.offset;
    if (typeof topicPartition !== 'string') return 'invalid';
    if ((typeof offset !== 'number' && typeof offset !== 'string') || offset === '') return 'invalid';
    const index = positions.get(topicPartition)?.get(String(offset));
    if (index === undefined) return 'invalid';
    const lowestSoFar = indexes.get(topicPartition);
    indexes.set(topicPartition, lowestSoFar === undefined ? index : Math.min(lowestSoFar as number, index));
  }
  return indexes;
}

/**
 * Kafka, for a batch of one partition (`topicPartition`): see kafkaFailureIndexes.
 *
 * @example
 * ```ts
 * kafkaFailureIndex({ batchItemFailures: [{ itemIdentifier: { 'topic-partition': 't-0', offset: 15 } }] }, records, 't-0');
 * ```
 */
export function kafkaFailureIndex(
  payload: unknown,
  records: readonly SourceRecord[],
  topicPartition: string,
): FailureIndex {
  const indexes = kafkaFailureIndexes(payload, [{ topicPartition, records }]);
  return indexes === 'invalid' ? 'invalid' : indexes.get(topicPartition);
}
