/**
 * Decoding of MSK / self-managed Kafka event batches and the Kafka form of partial batch responses.
 * Records are grouped by `topic-partition` in the event; order within a partition is kept.
 *
 * A record's key, value bytes and headers are decoded on first read: the sinks' hot path reads only the
 * value's text (a key is read for tombstones and dead letters, headers by nobody yet), and a CDC record
 * carries six headers whose decoding would cost more than the rest of the record.
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
  /** Bytes in the value (0 for a tombstone), without keeping a copy of them. */
  readonly valueSize: number;
  readonly headers: Readonly<Record<string, Buffer>>;
  /** The value as UTF-8 text (`null` for a tombstone), decoded without keeping a copy of the bytes. */
  valueText(): string | null;
}

export interface KafkaPartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** Records in offset order. */
  readonly records: readonly KafkaRecord[];
}

/** The MSK record as Lambda delivers it: key and value may be absent or null. */
type RawRecord = MSKRecord & { key?: string | null; value?: string | null };

/**
 * Values up to this many base64 characters are decoded through one reused buffer; larger ones (rare)
 * get a buffer of their own, so the scratch buffer never holds on to a multi-megabyte value.
 */
const SCRATCH_MAX_BASE64 = 256 * 1024;
let scratch = Buffer.allocUnsafe(16 * 1024);

function decodeHeaders(headers: MSKRecord['headers'] | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const header of headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) out[name] = Buffer.from(bytes as number[]);
  }
  return out;
}

/** A record whose key, value bytes and headers are decoded from the MSK form on first read, once. */
class MskKafkaRecord implements KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly #raw: RawRecord;
  /** `undefined` until decoded. */
  #key: Buffer | null | undefined;
  #value: Buffer | null | undefined;
  #valueSize = -1;
  #headers: Readonly<Record<string, Buffer>> | undefined;

  constructor(raw: RawRecord) {
    this.topic = raw.topic;
    this.partition = raw.partition;
    this.offset = Number(raw.offset);
    this.timestamp = Number(raw.timestamp);
    this.#raw = raw;
  }

  get key(): Buffer | null {
    if (this.#key === undefined) this.#key = this.#raw.key ? Buffer.from(this.#raw.key, 'base64') : null;
    return this.#key;
  }

  get value(): Buffer | null {
    if (this.#value === undefined) {
      const raw = this.#raw.value;
      this.#value = raw === null || raw === undefined ? null : Buffer.from(raw, 'base64');
      this.#valueSize = this.#value?.length ?? 0;
    }
    return this.#value;
  }

  get valueSize(): number {
    if (this.#valueSize < 0) this.#valueSize = this.value?.length ?? 0;
    return this.#valueSize;
  }

  get headers(): Readonly<Record<string, Buffer>> {
    this.#headers ??= decodeHeaders(this.#raw.headers);
    return this.#headers;
  }

  valueText(): string | null {
    const raw = this.#raw.value;
    if (raw === null || raw === undefined) return null;
    if (this.#value !== undefined || raw.length > SCRATCH_MAX_BASE64)
      return (this.value as Buffer).toString('utf8');
    // Base64 never decodes to more bytes than three quarters of its length.
    if (scratch.length < raw.length) scratch = Buffer.allocUnsafe(Math.max(raw.length, 2 * scratch.length));
    const size = scratch.write(raw, 0, 'base64');
    this.#valueSize = size;
    return scratch.toString('utf8', 0, size);
  }
}

/** Decodes one MSK record (base64 key and value, headers as byte arrays), each part on first read. */
export function decodeKafkaRecord(record: MSKRecord): KafkaRecord {
  return new MskKafkaRecord(record);
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
