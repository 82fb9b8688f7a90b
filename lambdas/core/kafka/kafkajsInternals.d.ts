/**
 * The parts of kafkajs 2.2.4's protocol layer that `produceEncoding.ts` uses (kafkajs ships no types for
 * them). The version is pinned in package-lock.json; `installProduceEncoding` checks their shape at start-up.
 */
declare module 'kafkajs/src/protocol/encoder.js' {
  /** kafkajs's growable byte writer; `buffer` is the written part. */
  class Encoder {
    buf: Buffer;
    offset: number;
    get buffer(): Buffer;
    size(): number;
    writeInt16(value: number): this;
    writeInt32(value: number): this;
    writeString(value: string | null): this;
    writeArray(array: readonly unknown[]): this;
    writeEncoder(value: Encoder): this;
  }
  export default Encoder;
}

declare module 'kafkajs/src/protocol/recordBatch/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js';
  /** One encoded record as the record batch reads it (`Buffer.isBuffer(buf)`, then `buffer`). */
  export interface EncodedRecord {
    readonly buf: Buffer;
    readonly buffer: Buffer;
  }
  export function RecordBatch(options: {
    compression: number;
    records: readonly EncodedRecord[];
    firstTimestamp: number | string;
    maxTimestamp: number | string;
    producerId: unknown;
    producerEpoch: number;
    firstSequence: number | undefined;
    transactional: boolean;
    lastOffsetDelta: number;
  }): Promise<Encoder>;
}

declare module 'kafkajs/src/protocol/recordBatch/record/v0/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js';
  /** kafkajs's own record encoder (the reference the tests compare with). */
  export default function Record(record: {
    offsetDelta?: number;
    timestampDelta?: number;
    key?: unknown;
    value?: unknown;
    headers?: Readonly<Record<string, unknown>>;
  }): Encoder;
}

declare module 'kafkajs/src/protocol/requests/produce/index.js' {
  import type Encoder from 'kafkajs/src/protocol/encoder.js';
  export interface ProduceRequest {
    apiKey: number;
    apiVersion: number;
    apiName: string;
    expectResponse: () => boolean;
    encode: () => Promise<Encoder>;
  }
  export interface ProduceArguments {
    acks: number;
    timeout: number;
    compression?: number;
    topicData: readonly unknown[];
    transactionalId?: string | null;
    producerId?: unknown;
    producerEpoch?: number;
  }
  export type ProduceVersion = (args: ProduceArguments) => { request: ProduceRequest; response: unknown };
  const produce: {
    versions: string[];
    protocol: (options: { version: number }) => ProduceVersion;
  };
  export default produce;
}

declare module 'kafkajs/src/protocol/requests/produce/v3/request.js' {
  import type { ProduceArguments, ProduceRequest } from 'kafkajs/src/protocol/requests/produce/index.js';
  /** kafkajs's own Produce v3 request (the reference the tests compare with; never replaced). */
  export default function requestV3(args: ProduceArguments): ProduceRequest;
}
