/**
 * The `fast` record encoder (`STREAMBRIDGE_KAFKA_RECORD_ENCODER`): kafkajs's Produce request body, byte for
 * byte, with each record measured first and written once into a buffer of its exact size. Installed into
 * kafkajs only after a sample request encodes alike both ways. Why, gain and cost: docs/handlers.md.
 */
import Encoder from 'kafkajs/src/protocol/encoder.js';
import type { EncodedRecord } from 'kafkajs/src/protocol/recordBatch/v0/index.js';
import { RecordBatch } from 'kafkajs/src/protocol/recordBatch/v0/index.js';
import type { ProduceArguments, ProduceVersion } from 'kafkajs/src/protocol/requests/produce/index.js';
import produce from 'kafkajs/src/protocol/requests/produce/index.js';

/** A record's fields as kafkajs's producer passes them (key, value and header values: text or bytes). */
export interface RecordFields {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

const NO_BYTES = -1;
const MSB = 0x80;
const LOW_BITS = 0x7f;
const HIGH_BITS_32 = 0xffffff80;

/** A length or delta as kafkajs's varint writes it: zig-zag over 32 bits, read as unsigned. */
const zigZag32 = (value: number): number => (value << 1) ^ (value >> 31);

function unsignedVarIntSize(value: number): number {
  let size = 1;
  for (let rest = value; (rest & HIGH_BITS_32) !== 0; rest >>>= 7) size++;
  return size;
}

function writeUnsignedVarInt(buffer: Buffer, offset: number, value: number): number {
  let at = offset;
  let rest = value;
  while ((rest & HIGH_BITS_32) !== 0) {
    buffer[at++] = (rest & LOW_BITS) | MSB;
    rest >>>= 7;
  }
  buffer[at++] = rest;
  return at;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT64 = (1n << 64n) - 1n;

/** The zig-zag varlong bytes of a timestamp delta outside 32 bits (kafkajs: 64-bit zig-zag). */
function varLongBytes(value: number): number[] {
  const long = BigInt(value);
  let rest = ((long << 1n) ^ (long >> 63n)) & UINT64;
  const bytes: number[] = [];
  while (rest > 0x7fn) {
    bytes.push(Number(rest & 0x7fn) | MSB);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

/** Text or bytes as kafkajs writes them: bytes as they are, anything else as its string (null: absent). */
function bytesOf(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : String(value);
}

function lengthOf(bytes: Buffer | string | null): number {
  if (bytes === null) return NO_BYTES;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

/** Size of a length-prefixed field (varint length, then the bytes; -1 for none). */
const fieldSize = (length: number): number => unsignedVarIntSize(zigZag32(length)) + Math.max(length, 0);

function writeField(buffer: Buffer, offset: number, bytes: Buffer | string | null, length: number): number {
  let at = writeUnsignedVarInt(buffer, offset, zigZag32(length));
  if (length > 0) {
    at +=
      typeof bytes === 'string'
        ? buffer.write(bytes, at, length, 'utf8')
        : (bytes as Buffer).copy(buffer, at);
  }
  return at;
}

/**
 * One record (Kafka record format v2, inside a v2 record batch), the same bytes as kafkajs's
 * `recordBatch/record/v0`: length, attributes, timestamp delta, offset delta, key, value, headers.
 */
export function encodeRecord(fields: RecordFields): EncodedRecord {
  const { offsetDelta = 0, headers = {} } = fields;
  // kafkajs reads a delta that is not a number (a timestamp that is not one) as 0.
  const timestampDelta = Number.isNaN(fields.timestampDelta) ? 0 : (fields.timestampDelta ?? 0);
  const key = bytesOf(fields.key);
  const keyLength = lengthOf(key);
  const value = bytesOf(fields.value);
  const valueLength = lengthOf(value);
  const smallTimestamp = timestampDelta >= INT32_MIN && timestampDelta <= INT32_MAX;
  const timestampBytes = smallTimestamp ? null : varLongBytes(timestampDelta);
  // Header name, name length, value, value length, four slots per header (arrays give one header per value).
  const headerFields: (Buffer | string | number | null)[] = [];
  let headerCount = 0;
  let bodySize =
    1 +
    (timestampBytes ? timestampBytes.length : unsignedVarIntSize(zigZag32(timestampDelta))) +
    unsignedVarIntSize(zigZag32(offsetDelta)) +
    fieldSize(keyLength) +
    fieldSize(valueLength);
  const addHeader = (name: string, nameLength: number, headerValue: unknown): void => {
    const bytes = bytesOf(headerValue);
    const length = lengthOf(bytes);
    headerFields.push(name, nameLength, bytes, length);
    headerCount++;
    bodySize += fieldSize(nameLength) + fieldSize(length);
  };
  for (const name of Object.keys(headers)) {
    const given = headers[name];
    const nameLength = Buffer.byteLength(name, 'utf8');
    if (Array.isArray(given)) for (const headerValue of given) addHeader(name, nameLength, headerValue);
    else addHeader(name, nameLength, given);
  }
  bodySize += unsignedVarIntSize(zigZag32(headerCount));
  const total = unsignedVarIntSize(zigZag32(bodySize)) + bodySize;
  const buffer = Buffer.allocUnsafe(total);
  let at = writeUnsignedVarInt(buffer, 0, zigZag32(bodySize));
  buffer[at++] = 0; // attributes: none are used in a record
  if (timestampBytes) {
    for (const byte of timestampBytes) buffer[at++] = byte;
  } else {
    at = writeUnsignedVarInt(buffer, at, zigZag32(timestampDelta));
  }
  at = writeUnsignedVarInt(buffer, at, zigZag32(offsetDelta));
  at = writeField(buffer, at, key, keyLength);
  at = writeField(buffer, at, value, valueLength);
  at = writeUnsignedVarInt(buffer, at, zigZag32(headerCount));
  for (let i = 0; i < headerFields.length; i += 4) {
    at = writeField(buffer, at, headerFields[i] as string, headerFields[i + 1] as number);
    at = writeField(buffer, at, headerFields[i + 2] as Buffer | string | null, headerFields[i + 3] as number);
  }
  if (at !== total) throw new Error(`record encoder wrote ${at} bytes of ${total}`);
  return { buf: buffer, buffer };
}

/** A message of one partition as kafkajs's producer hands it to the Produce request. */
interface PartitionMessage extends RecordFields {
  readonly timestamp?: number | string | null;
}

interface PartitionData {
  readonly partition: number;
  readonly messages: readonly PartitionMessage[];
  readonly firstSequence?: number;
}

interface TopicData {
  readonly topic: string;
  readonly partitions: readonly PartitionData[];
}

/** One partition's record set (kafkajs's produce v3 `partitionsEncoder`, with {@link encodeRecord}). */
async function encodePartition(data: PartitionData, args: ProduceArguments): Promise<Encoder> {
  const { messages } = data;
  const dateNow = Date.now();
  // As kafkajs: the given timestamps sorted as the default sort does (as text), else now.
  const given = messages.map((message) => message.timestamp).filter((timestamp) => timestamp != null);
  const timestamps = given.length === 0 ? [dateNow] : given.sort();
  const firstTimestamp = timestamps[0] as number | string;
  const maxTimestamp = timestamps[timestamps.length - 1] as number | string;
  const records = messages.map((message, offsetDelta) =>
    encodeRecord({
      key: message.key,
      value: message.value,
      headers: message.headers,
      offsetDelta,
      timestampDelta: Number(message.timestamp || dateNow) - Number(firstTimestamp),
    }),
  );
  const recordBatch = await RecordBatch({
    compression: args.compression ?? 0,
    records,
    firstTimestamp,
    maxTimestamp,
    producerId: args.producerId ?? -1,
    producerEpoch: args.producerEpoch ?? 0,
    firstSequence: data.firstSequence,
    transactional: !!args.transactionalId,
    lastOffsetDelta: records.length - 1,
  });
  return new Encoder().writeInt32(data.partition).writeInt32(recordBatch.size()).writeEncoder(recordBatch);
}

/** The body of a Produce request v3-v7 (kafkajs's produce v3 `encode`). */
export async function encodeProduceRequest(args: ProduceArguments): Promise<Encoder> {
  const topics: Encoder[] = [];
  for (const topicData of args.topicData as readonly TopicData[]) {
    const partitions: Encoder[] = [];
    for (const partition of topicData.partitions) partitions.push(await encodePartition(partition, args));
    topics.push(new Encoder().writeString(topicData.topic).writeArray(partitions));
  }
  return new Encoder()
    .writeString(args.transactionalId ?? null)
    .writeInt16(args.acks)
    .writeInt32(args.timeout)
    .writeArray(topics);
}

/** The first Produce version that carries record batches; 3-7 share its body. */
const FIRST_RECORD_BATCH_VERSION = 3;
const INSTALLED = Symbol.for('streambridge.produceEncoding');

type ProduceModule = typeof produce & { [INSTALLED]?: true };

/** A request that exercises every field the encoder writes (headers of both kinds, a key-less tombstone). */
const SAMPLE: ProduceArguments = {
  acks: -1,
  timeout: 30_000,
  compression: 0,
  topicData: [
    {
      topic: 'sample',
      partitions: [
        {
          partition: 1,
          messages: [
            {
              key: 'k',
              value: '{"é":"😀"}',
              headers: { a: 'b', c: Buffer.from([0, 255]) },
              timestamp: 1_764_144_000_000,
            },
            {
              key: Buffer.from('b'),
              value: null,
              headers: { many: ['1', '2'] },
              timestamp: 1_764_144_000_001,
            },
            { key: null, value: 'x'.repeat(300), timestamp: 1_764_144_100_000 },
          ],
        },
      ],
    },
  ],
};

export type ProduceEncodingOutcome = 'installed' | 'already' | 'mismatch';

/** Whether kafkajs's Produce protocol (this process's, or this bundle's, copy) encodes with ours. */
export function produceEncodingInstalled(target: ProduceModule = produce): boolean {
  return target[INSTALLED] === true;
}

/** Whether kafkajs's newest Produce version encodes the sample as we do; internals it lacks are a no. */
async function encodesAlike(target: ProduceModule): Promise<boolean> {
  try {
    const version = Math.max(...target.versions.map(Number));
    if (!(version >= FIRST_RECORD_BATCH_VERSION)) return false;
    const [theirs, ours] = await Promise.all([
      target.protocol({ version })(SAMPLE).request.encode(),
      encodeProduceRequest(SAMPLE),
    ]);
    return theirs.buffer.equals(ours.buffer);
  } catch {
    return false;
  }
}

/**
 * Puts {@link encodeProduceRequest} into kafkajs's Produce protocol, process-wide, once. Returns
 * `mismatch` (and changes nothing) when this kafkajs encodes the sample request differently, or lacks the
 * internals it takes to encode it at all.
 *
 * @example
 * ```ts
 * const outcome = await installProduceEncoding(); // 'installed' | 'already' | 'mismatch'
 * ```
 */
export async function installProduceEncoding(
  target: ProduceModule = produce,
): Promise<ProduceEncodingOutcome> {
  if (target[INSTALLED]) return 'already';
  const original = target.protocol;
  if (typeof original !== 'function' || !(await encodesAlike(target))) return 'mismatch';
  if (target[INSTALLED]) return 'already';
  target.protocol = ({ version: chosen }) => {
    const build = original({ version: chosen });
    if (chosen < FIRST_RECORD_BATCH_VERSION) return build;
    const withOurEncoding: ProduceVersion = (args) => {
      const built = build(args);
      built.request.encode = () => encodeProduceRequest(args);
      return built;
    };
    return withOurEncoding;
  };
  target[INSTALLED] = true;
  return 'installed';
}
