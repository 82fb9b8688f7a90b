import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { SourceTableConfig, TopicConfig } from '../../../config/types';
import { ChangeBridge } from '../../../lambdas/core/change-bridge/ChangeBridge';
import { CHANGE_HEADERS } from '../../../lambdas/core/change-bridge/constants';
import { dynamoDbStreamCarrier } from '../../../lambdas/core/change-bridge/dynamoDbStreamCarrier';
import { kinesisCarrier } from '../../../lambdas/core/change-bridge/kinesisCarrier';
import { compileTablePlans } from '../../../lambdas/core/change-bridge/tablePlans';
import type { ChangeCarrier } from '../../../lambdas/core/change-bridge/types';
import type { DeadLetter } from '../../../lambdas/core/DeadLetterQueue';
import { DeadLetterSendError } from '../../../lambdas/core/DeadLetterQueue';
import { Logger } from '../../../lambdas/core/Logger';
import { Metrics } from '../../../lambdas/core/Metrics';
import type { ChangeSpec } from '../../factories/cdcRecords';
import { kinesisRecord, kinesisRecordOf, streamRecord } from '../../factories/cdcRecords';

const TABLE = 'sb-test-orders';
const TOPIC = 'orders.changes';

const orders: SourceTableConfig = { name: TABLE, partitionKey: { name: 'orderId', type: 'S' }, topic: TOPIC };

interface Harness {
  bridge: ChangeBridge;
  sends: TopicMessages[][];
  letters: DeadLetter[];
  metricLines: string[];
}

function harness(
  options: {
    sources?: SourceTableConfig[];
    topics?: TopicConfig[];
    failSend?: (call: number) => boolean;
    failLetters?: (letter: DeadLetter) => boolean;
  } = {},
): Harness {
  const sends: TopicMessages[][] = [];
  const letters: DeadLetter[] = [];
  const metricLines: string[] = [];
  let calls = 0;
  const sources = options.sources ?? [orders];
  const topics =
    options.topics ??
    [...new Set(sources.flatMap((s) => [s.topic, ...Object.values(s.routeBy?.topics ?? {})]))].map(
      (name) => ({ name, partitions: 3 }),
    );
  const bridge = new ChangeBridge({
    plans: compileTablePlans({ sources, topics }, { salt: 'salt' }),
    kafka: {
      reset: async () => undefined,
      send: async (batch) => {
        calls += 1;
        if (options.failSend?.(calls)) throw new Error('KafkaJSConnectionError: broker down');
        sends.push(batch);
      },
    },
    deadLetters: {
      send: async (batch) => {
        const failed = batch.filter((letter) => options.failLetters?.(letter));
        letters.push(...batch.filter((letter) => !failed.includes(letter)));
        if (failed.length > 0) throw new DeadLetterSendError(failed, 'queue unavailable');
      },
    },
    logger: new Logger('test', { write: () => undefined }),
    metrics: new Metrics('test', { write: (line) => metricLines.push(line) }),
    lineage: 'test-function',
    now: () => 1_764_144_999_000,
  });
  return { bridge, sends, letters, metricLines };
}

function order(id: string, n: number, extra: Partial<ChangeSpec> = {}): ChangeSpec {
  return {
    eventName: 'INSERT',
    keys: { orderId: { S: id } },
    newImage: { orderId: { S: id }, n: { N: String(n) } },
    sequenceNumber: String(1000 + n),
    ...extra,
  };
}

interface PathCase<R> {
  name: string;
  carrier: ChangeCarrier<R>;
  record: (spec: ChangeSpec, shard?: string) => R;
  malformed: () => R;
  sequenceOf: (record: R) => string;
}

const streamsCase: PathCase<DynamoDBRecord> = {
  name: 'DynamoDB Streams',
  carrier: dynamoDbStreamCarrier,
  record: (spec) => streamRecord(spec),
  malformed: () => ({ ...streamRecord(order('bad', 0)), eventName: 'UPSERT' as never }),
  sequenceOf: (record) => record.dynamodb?.SequenceNumber as string,
};

let kinesisSequence = 0;
const kinesisCase: PathCase<KinesisStreamRecord> = {
  name: 'Kinesis',
  carrier: kinesisCarrier,
  record: (spec, shard) =>
    kinesisRecord(spec, {
      sequenceNumber: `4959${String(++kinesisSequence).padStart(10, '0')}`,
      shardId: shard,
    }),
  malformed: () => kinesisRecordOf('{"tableName": "sb-test-orders", "eventName"'),
  sequenceOf: (record) => record.kinesis.sequenceNumber,
};

const paths = [streamsCase, kinesisCase] as PathCase<unknown>[];

describe.each(paths)('ChangeBridge over $name', ({ carrier, record, malformed, sequenceOf }) => {
  it('produces the whole batch in one send, keyed by partition key, with the CDC headers', async () => {
    // Prepare
    const { bridge, sends } = harness();
    const records = [
      record(order('o-1', 1)),
      record(order('o-2', 2)),
      record(order('o-1', 3, { eventName: 'MODIFY' })),
    ];

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sends).toHaveLength(1);
    const [batch] = sends[0] as TopicMessages[];
    expect(batch?.topic).toBe(TOPIC);
    expect(batch?.messages.map((m) => String(m.key))).toEqual(['o-1', 'o-2', 'o-1']);
    const first = batch?.messages[0];
    const envelope = JSON.parse(String(first?.value));
    expect(envelope).toMatchObject({
      op: 'c',
      key: { orderId: 'o-1' },
      after: { n: 1, orderId: 'o-1' },
      ts_ms: 1_764_144_999_000,
    });
    expect(first?.headers).toMatchObject({
      [CHANGE_HEADERS.contentType]: 'application/json',
      [CHANGE_HEADERS.table]: TABLE,
      [CHANGE_HEADERS.op]: 'c',
      [CHANGE_HEADERS.eventId]: envelope.source.eventId,
      [CHANGE_HEADERS.sequenceNumber]: sequenceOf(records[0]),
      [CHANGE_HEADERS.lineage]: 'test-function',
    });
  });

  it('reports every record of the shard when the send fails, and produces nothing twice', async () => {
    // Prepare
    const { bridge, sends } = harness({ failSend: () => true });
    const records = [record(order('o-1', 1)), record(order('o-2', 2)), record(order('o-3', 3))];

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map(sequenceOf));
    expect(sends).toHaveLength(0);
  });

  it('holds back the failed send and everything after it, never records of an earlier successful send', async () => {
    // Prepare: on a one-partition topic, a 2 KiB limit fits two of these records per send.
    const topics = [{ name: TOPIC, partitions: 1, maxMessageBytes: 2048 }];
    const { bridge, sends } = harness({ topics, failSend: (call) => call === 2 });
    const big = (id: string, n: number) =>
      order(id, n, { newImage: { orderId: { S: id }, pad: { S: 'x'.repeat(250) } } });
    const records = [1, 2, 3, 4, 5].map((n) => record(big(`o-${n}`, n)));

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(sends).toHaveLength(1);
    expect(sends[0]?.[0]?.messages.map((m) => String(m.key))).toEqual(['o-1', 'o-2']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(2).map(sequenceOf));
  });

  it('dead-letters poison records with reason and coordinates and produces the rest', async () => {
    // Prepare
    const sources: SourceTableConfig[] = [
      {
        ...orders,
        governance: { schema: { type: 'object', properties: { n: { type: 'number', maximum: 100 } } } },
      },
    ];
    const topics = [{ name: TOPIC, partitions: 3, maxMessageBytes: 4096 }];
    const { bridge, sends, letters } = harness({ sources, topics });
    const records = [
      record(order('o-1', 1)),
      malformed(),
      record(order('o-2', 500)),
      record(order('o-3', 3, { newImage: { orderId: { S: 'o-3' }, pad: { S: 'x'.repeat(5000) } } })),
      record(order('o-4', 4, { table: 'sb-other-table' })),
      record(order('o-5', 5, { newImage: { orderId: { S: 'o-5' }, price: { N: 'NaN' } } })),
      record(order('o-6', 6)),
    ];

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sends[0]?.[0]?.messages.map((m) => String(m.key))).toEqual(['o-1', 'o-6']);
    expect(letters.map((l) => l.errorType)).toEqual([
      'DecodeError',
      'SchemaViolation',
      'RecordTooLarge',
      'UnknownTable',
      'DecodeError',
    ]);
    expect(letters.map((l) => l.coordinates.source === 'kafka' || l.coordinates.sequenceNumber)).toEqual(
      [1, 2, 3, 4, 5].map((i) => sequenceOf(records[i])),
    );
    expect(letters[1]?.reason).toMatch(/after\/n must be <= 100/);
    expect(letters[2]?.reason).toMatch(/exceeds the max message size 4096 of topic orders.changes/);
    expect(letters[3]?.reason).toMatch(/table sb-other-table is not a source of this bridge/);
    expect(letters[4]?.reason).toMatch(/dynamodb.NewImage.price: N "NaN" is not a number/);
    expect(letters[0]?.payload).toBe(JSON.stringify(records[1]));
  });

  it('reports a poison record and all later ones of its shard when the dead-letter send fails', async () => {
    // Prepare
    const { bridge, sends } = harness({ failLetters: () => true });
    const records = [record(order('o-1', 1)), malformed(), record(order('o-2', 2))];

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(sends[0]?.[0]?.messages).toHaveLength(2);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(1).map(sequenceOf));
  });

  it('does not dead-letter a poison record that comes after a failed send; it is reported instead', async () => {
    // Prepare
    const { bridge, letters } = harness({ failSend: () => true });
    const records = [malformed(), record(order('o-1', 1)), malformed()];

    // Act
    const response = await bridge.process(records, carrier);

    // Assess
    expect(letters).toHaveLength(1);
    expect(letters[0]?.coordinates).toMatchObject({ sequenceNumber: sequenceOf(records[0]) });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(1).map(sequenceOf));
  });

  it('keys by the full primary key and follows a delete with a tombstone in primaryKey mode', async () => {
    // Prepare
    const sources: SourceTableConfig[] = [
      { ...orders, sortKey: { name: 'line', type: 'N' }, kafkaKey: 'primaryKey' },
    ];
    const { bridge, sends } = harness({ sources });
    const keys = { orderId: { S: 'o-1' }, line: { N: '2' } };
    const records = [
      record({ eventName: 'INSERT', keys, newImage: keys, sequenceNumber: '1' }),
      record({ eventName: 'REMOVE', keys, oldImage: keys, sequenceNumber: '2' }),
    ];

    // Act
    await bridge.process(records, carrier);

    // Assess
    const messages = sends[0]?.[0]?.messages ?? [];
    expect(
      messages.map((m) => [String(m.key), m.value === null ? null : JSON.parse(String(m.value)).op]),
    ).toEqual([
      ['{"line":2,"orderId":"o-1"}', 'c'],
      ['{"line":2,"orderId":"o-1"}', 'd'],
      ['{"line":2,"orderId":"o-1"}', null],
    ]);
    expect(messages[2]?.headers).toMatchObject({ [CHANGE_HEADERS.op]: 'd' });
  });

  it('sends no tombstone in partitionKey mode (it would erase siblings in a compacted topic)', async () => {
    // Prepare
    const { bridge, sends } = harness();

    // Act
    await bridge.process([record({ ...order('o-1', 1), eventName: 'REMOVE', newImage: undefined })], carrier);

    // Assess
    expect(sends[0]?.[0]?.messages.map((m) => m.value === null)).toEqual([false]);
  });

  it('routes by an attribute of the item, falling back to the table topic', async () => {
    // Prepare
    const sources: SourceTableConfig[] = [
      { ...orders, routeBy: { attribute: 'kind', topics: { refund: 'refunds.changes' } } },
    ];
    const { bridge, sends } = harness({ sources });
    const withKind = (id: string, kind: string) =>
      order(id, 1, { newImage: { orderId: { S: id }, kind: { S: kind } } });

    // Act
    await bridge.process([record(withKind('o-1', 'refund')), record(withKind('o-2', 'sale'))], carrier);

    // Assess
    expect(sends[0]?.map((t) => [t.topic, t.messages.map((m) => String(m.key))])).toEqual([
      ['refunds.changes', ['o-1']],
      [TOPIC, ['o-2']],
    ]);
  });

  it('never lets masked or hashed values reach Kafka, key included', async () => {
    // Prepare
    const sources: SourceTableConfig[] = [
      {
        ...orders,
        partitionKey: { name: 'email', type: 'S' },
        governance: { hash: ['email'], mask: ['card'] },
      },
    ];
    const { bridge, sends } = harness({ sources });
    const spec: ChangeSpec = {
      eventName: 'INSERT',
      keys: { email: { S: 'ann@example.com' } },
      newImage: { email: { S: 'ann@example.com' }, card: { S: '4111111111111111' } },
    };

    // Act
    await bridge.process([record(spec)], carrier);

    // Assess
    const [message] = sends[0]?.[0]?.messages ?? [];
    const bytes = `${String(message?.key)} ${String(message?.value)} ${JSON.stringify(message?.headers)}`;
    expect(bytes).not.toContain('ann@example.com');
    expect(bytes).not.toContain('4111111111111111');
    expect(String(message?.key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(['partitionKey', 'primaryKey'] as const)(
    'writes the same messages with or without governance hooks (%s keys)',
    async (kafkaKey) => {
      // Prepare: a hook that changes nothing still takes the object path.
      const direct = harness({ sources: [{ ...orders, kafkaKey }] });
      const governed = harness({ sources: [{ ...orders, kafkaKey, governance: { mask: ['absent'] } }] });
      const specs = [
        order('o-1', 1, {
          newImage: { orderId: { S: 'o-1' }, big: { N: '12345678901234567890' }, b: { BS: ['AA=='] } },
        }),
        order('o-2', 2, {
          eventName: 'REMOVE',
          newImage: undefined,
          oldImage: { orderId: { S: 'o-2' }, m: { M: { $N: { S: 'x' } } } },
        }),
      ];

      // Act
      await direct.bridge.process(
        specs.map((s) => record(s)),
        carrier,
      );
      await governed.bridge.process(
        specs.map((s) => record(s)),
        carrier,
      );

      // Assess
      const messages = (h: Harness) =>
        h.sends
          .flat()
          .flatMap((t) => t.messages.map((m) => [String(m.key), m.value === null ? null : String(m.value)]));
      const normalize = (list: (string | null)[][]) =>
        list.map(([key, value]) => [key, value?.replace(/"eventId":"[^"]*"/, '') ?? null]);
      expect(messages(direct)).toHaveLength(kafkaKey === 'primaryKey' ? 3 : 2);
      expect(normalize(messages(direct))).toEqual(normalize(messages(governed)));
    },
  );

  it('emits the batch metrics in one EMF line', async () => {
    // Prepare
    const { bridge, metricLines } = harness();

    // Act
    await bridge.process([record(order('o-1', 1)), malformed()], carrier);

    // Assess
    expect(metricLines).toHaveLength(1);
    expect(JSON.parse(metricLines[0] as string)).toMatchObject({
      RecordsIn: 2,
      RecordsProduced: 1,
      RecordsDeadLettered: 1,
      RecordsFailed: 0,
      TombstonesProduced: 0,
    });
  });
});

describe('ChangeBridge over Kinesis with several shards', () => {
  it('holds back only the shard whose dead letter failed', async () => {
    // Prepare
    const { bridge } = harness({
      failLetters: (letter) =>
        letter.coordinates.source === 'kinesis' && letter.coordinates.shard === 'shardId-A',
    });
    const a1 = kinesisRecordOf('not json', { shardId: 'shardId-A', sequenceNumber: '11' });
    const a2 = kinesisRecord(order('o-1', 1), { shardId: 'shardId-A', sequenceNumber: '12' });
    const b1 = kinesisRecordOf('not json', { shardId: 'shardId-B', sequenceNumber: '21' });
    const b2 = kinesisRecord(order('o-2', 2), { shardId: 'shardId-B', sequenceNumber: '22' });

    // Act
    const response = await bridge.process([a1, b1, a2, b2], kinesisCarrier);

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['11', '12']);
  });
});

describe('ChangeBridge without sequence numbers', () => {
  it('fails the invocation when a record without a sequence number cannot be dead-lettered', async () => {
    // Prepare
    const { bridge } = harness({ failLetters: () => true });
    const record = streamRecord(order('o-1', 1));
    delete (record.dynamodb as { SequenceNumber?: string }).SequenceNumber;

    // Act
    const act = bridge.process([record], dynamoDbStreamCarrier);

    // Assess
    await expect(act).rejects.toThrow(/no sequence number to report/);
  });
});
