import fc from 'fast-check';
import Record from 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
import type produce from 'kafkajs/src/protocol/requests/produce/index.js';
import type { ProduceArguments, ProduceVersion } from 'kafkajs/src/protocol/requests/produce/index.js';
import requestV3 from 'kafkajs/src/protocol/requests/produce/v3/request.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordFields } from '../../../lambdas/core/kafka/produceEncoding';
import {
  encodeProduceRequest,
  encodeRecord,
  installProduceEncoding,
} from '../../../lambdas/core/kafka/produceEncoding';

/**
 * kafkajs's own Produce request v3 (the versions up to 7 share its body), from its module rather than
 * through the protocol lookup, so it is kafkajs's encoder even where another test installed ours.
 */
const KAFKAJS_PRODUCE: ProduceVersion = (args) => ({ request: requestV3(args), response: undefined });

/** Text (any UTF-16, lone surrogates included) or bytes: what kafkajs accepts for keys, values and headers. */
const bytesArbitrary = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);

const headersArbitrary = fc.dictionary(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.oneof(bytesArbitrary, fc.array(bytesArbitrary, { minLength: 1, maxLength: 3 })),
  { maxKeys: 7, noNullPrototype: true },
);

const recordArbitrary: fc.Arbitrary<RecordFields> = fc.record(
  {
    offsetDelta: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    timestampDelta: fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    ),
    key: fc.option(bytesArbitrary, { nil: null }),
    value: fc.oneof(bytesArbitrary, fc.constant(null), fc.constant(undefined)),
    headers: headersArbitrary,
  },
  { requiredKeys: [] },
);

/** kafkajs's bytes for a record (it reads a missing key or value as absent, as we do). */
const kafkajsRecord = (fields: RecordFields): Buffer => Record(fields).buffer;

describe('encodeRecord', () => {
  it('writes the same bytes as kafkajs for any record', () => {
    fc.assert(
      fc.property(recordArbitrary, (fields) => {
        // Act
        const ours = encodeRecord(fields);

        // Assess
        expect(ours.buffer.equals(kafkajsRecord(fields))).toBe(true);
        expect(ours.buf).toBe(ours.buffer);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a record with every varint at a size boundary as kafkajs does', () => {
    // Prepare: lengths and deltas where zig-zag varints grow a byte (63/64, 8191/8192, 2^20, 2^27).
    const edges = [0, 1, 63, 64, 8191, 8192, 2 ** 20 - 1, 2 ** 20, 2 ** 27];
    for (const n of edges) {
      const fields: RecordFields = {
        offsetDelta: n,
        timestampDelta: -n,
        key: 'k'.repeat(Math.min(n, 70_000)),
        value: Buffer.alloc(Math.min(n, 70_000), 7),
        headers: { ['h'.repeat(Math.min(n, 100))]: 'v'.repeat(Math.min(n, 9000)) },
      };

      // Act
      const ours = encodeRecord(fields);

      // Assess
      expect(ours.buffer.equals(kafkajsRecord(fields)), `edge ${n}`).toBe(true);
    }
  });

  it('reads a timestamp delta that is not a number as 0, as kafkajs does', () => {
    // Act
    const ours = encodeRecord({ timestampDelta: Number.NaN, key: 'k', value: 'v' });

    // Assess
    expect(ours.buffer.equals(kafkajsRecord({ timestampDelta: Number.NaN, key: 'k', value: 'v' }))).toBe(
      true,
    );
  });
});

const messageArbitrary = fc.record(
  {
    key: fc.option(bytesArbitrary, { nil: null }),
    value: fc.option(bytesArbitrary, { nil: null }),
    headers: headersArbitrary,
    timestamp: fc.oneof(
      fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
      fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }).map(String),
    ),
  },
  { requiredKeys: ['key', 'value'] },
);

const produceArbitrary: fc.Arbitrary<ProduceArguments> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.integer({ min: 1, max: 60_000 }),
  compression: fc.constantFrom(0, 1),
  transactionalId: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
  producerId: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
  producerEpoch: fc.option(fc.integer({ min: 0, max: 32_000 }), { nil: undefined }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 20 }),
      partitions: fc.array(
        fc.record(
          {
            partition: fc.integer({ min: 0, max: 99 }),
            firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            messages: fc.array(messageArbitrary, { minLength: 1, maxLength: 12 }),
          },
          { requiredKeys: ['partition', 'messages'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('encodeProduceRequest', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes the same request as kafkajs, uncompressed and gzip, with and without timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(produceArbitrary, fc.boolean(), async (args, dropTimestamps) => {
        // Prepare: without timestamps both read the same clock.
        vi.spyOn(Date, 'now').mockReturnValue(1_764_144_000_123);
        const request: ProduceArguments = dropTimestamps
          ? {
              ...args,
              topicData: (args.topicData as { topic: string; partitions: { messages: object[] }[] }[]).map(
                (topic) => ({
                  ...topic,
                  partitions: topic.partitions.map((partition) => ({
                    ...partition,
                    messages: partition.messages.map(
                      ({ timestamp: _t, ...message }: object & { timestamp?: unknown }) => message,
                    ),
                  })),
                }),
              ),
            }
          : args;

        // Act
        const [ours, theirs] = await Promise.all([
          encodeProduceRequest(request),
          KAFKAJS_PRODUCE(request).request.encode(),
        ]);

        // Assess
        expect(ours.buffer.equals(theirs.buffer)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('installProduceEncoding', () => {
  /**
   * A Produce protocol module shaped like kafkajs's, encoding with kafkajs's own v3 body; while `skewed`,
   * its requests carry one byte more (as another kafkajs might).
   */
  function protocolModule() {
    const state = { skewed: false };
    const target = {
      versions: ['0', '1', '2', '3', '4', '5', '6', '7'],
      protocol:
        ({ version }: { version: number }): ProduceVersion =>
        (args) => {
          const built = KAFKAJS_PRODUCE(args);
          const encode = built.request.encode;
          const request = {
            ...built.request,
            apiVersion: version,
            encode: async () => {
              const encoder = await encode();
              return state.skewed ? encoder.writeInt16(0) : encoder;
            },
          };
          return { ...built, request };
        },
    };
    return { target: target as typeof produce, state };
  }

  const SMALL: ProduceArguments = {
    acks: -1,
    timeout: 1000,
    topicData: [
      { topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', timestamp: 5 }] }] },
    ],
  };

  it('puts our encoder into Produce v3-v7 once, leaving v0-v2 and the request fields of each version', async () => {
    // Prepare
    const { target, state } = protocolModule();
    const expected = (await KAFKAJS_PRODUCE(SMALL).request.encode()).buffer;

    // Act
    const outcomes = [await installProduceEncoding(target), await installProduceEncoding(target)];
    state.skewed = true;

    // Assess: v3-v7 now encode with ours (the module's skew no longer shows); v2 is still the module's.
    expect(outcomes).toEqual(['installed', 'already']);
    for (const version of [3, 4, 5, 6, 7]) {
      const { request } = target.protocol({ version })(SMALL);
      expect(request.apiVersion).toBe(version);
      expect((await request.encode()).buffer.equals(expected)).toBe(true);
    }
    const v2 = await target.protocol({ version: 2 })(SMALL).request.encode();
    expect(v2.buffer.length).toBe(expected.length + 2);
  });

  it('changes nothing when kafkajs lacks the internals to encode the sample (another kafkajs)', async () => {
    // Prepare: a Produce module whose requests cannot be built the way kafkajs 2.2.4 builds them.
    const target = {
      versions: ['0', '7'],
      protocol: (): ProduceVersion => () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    } as unknown as typeof produce;
    const original = target.protocol;

    // Act
    const outcome = await installProduceEncoding(target);

    // Assess
    expect(outcome).toBe('mismatch');
    expect(target.protocol).toBe(original);
  });

  it('changes nothing when kafkajs encodes the sample request differently (another kafkajs)', async () => {
    // Prepare
    const { target, state } = protocolModule();
    state.skewed = true;
    const original = target.protocol;

    // Act
    const outcome = await installProduceEncoding(target);

    // Assess
    expect(outcome).toBe('mismatch');
    expect(target.protocol).toBe(original);
  });
});
