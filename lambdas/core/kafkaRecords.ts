/**
 * Decoding of MSK / self-managed Kafka event batches and the Kafka form of partial batch responses.
 * Records are grouped by `topic-partition` in the event; order within a partition is kept.
 */
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { KafkaBatchResponse } from './types';

export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Record timestamp, epoch ms. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  /** `null` for a tombstone. */
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface KafkaPartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** Records in offset order. */
  readonly records: readonly KafkaRecord[];
}

function decodeHeaders(headers: MSKRecord['headers'] | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const header of headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) out[name] = Buffer.from(bytes as number[]);
  }
  return out;
}

/** Decodes one MSK record (base64 key and value, headers as byte arrays). */
export function decodeKafkaRecord(record: MSKRecord): KafkaRecord {
  const raw = record as MSKRecord & { key?: string | null; value?: string | null };
  return {
    topic: record.topic,
    partition: record.partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: raw.key ? Buffer.from(raw.key, 'base64') : null,
    value: raw.value === null || raw.value === undefined ? null : Buffer.from(raw.value, 'base64'),
    headers: decodeHeaders(record.headers),
  };
}

/**
 * Splits an MSK event into per-partition batches, each sorted by offset.
 *
 * @example
 * ```ts
 * for (const batch of partitionBatches(event)) console.log(batch.topic, batch.partition, batch.records.length);
 * ```
 */
export function partitionBatches(event: MSKEvent): KafkaPartitionBatch[] {
  const batches: KafkaPartitionBatch[] = [];
  for (const records of Object.values(event.records ?? {})) {
    if (records.length === 0) continue;
    const decoded = records.map(decodeKafkaRecord).sort((a, b) => a.offset - b.offset);
    const first = decoded[0] as KafkaRecord;
    batches.push({ topic: first.topic, partition: first.partition, records: decoded });
  }
  return batches;
}

/** The `topic-partition` identifier Lambda uses for a Kafka partition. */
export function topicPartitionId(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Builds the Kafka partial batch response from the first failed record of each partition. Lambda
 * resumes each partition from the lowest reported offset, so one failure per partition is enough and
 * everything after it is redelivered.
 */
export function kafkaBatchResponse(
  firstFailures: Iterable<{ topic: string; partition: number; offset: number }>,
): KafkaBatchResponse {
  return {
    batchItemFailures: [...firstFailures].map((failure) => ({
      itemIdentifier: {
        'topic-partition': topicPartitionId(failure.topic, failure.partition),
        offset: failure.offset,
      },
    })),
  };
}
