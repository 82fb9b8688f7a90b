import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { handler as streamsHandler } from '../../../lambdas/ddb-stream-to-kafka';
import { handler as kinesisHandler } from '../../../lambdas/kinesis-to-kafka';
import { kinesisEvent, streamEvent } from '../../factories/cdcRecords';
import { useCdcBridge } from './cdcBridgeFixture';
import {
  deleteKinesisStream,
  lambdaContext,
  readStreamRecords,
  readTopic,
  viaKinesis,
  type Write,
  writeItems,
} from './cdcTestKit';

describe('kinesis-to-kafka against the AWS target and Kafka', () => {
  // Both bridges run in this process: without a function name, each names itself in the lineage header.
  const fixture = useCdcBridge({
    table: { prefix: 'sb-devices', partitionKey: 'deviceId', sortKey: { name: 'ts', type: 'N' } },
    topic: { prefix: 'sb-devices-changes', partitions: 3 },
    source: { kafkaKey: 'primaryKey' },
  });
  const { aws, kafka, topic } = fixture;
  let streamName: string | undefined;

  afterAll(async () => {
    if (streamName) await deleteKinesisStream(aws, streamName);
  });

  it('publishes each change once, in order per key, as the same envelope bytes the Streams path gives', async () => {
    // Prepare: real changes in moto; the same changes on a real Kinesis stream in DynamoDB's Kinesis format.
    const { table } = fixture;
    const key = (device: string, ts: number) => ({ deviceId: { S: device }, ts: { N: String(ts) } });
    const writes: Write[] = [];
    for (const device of ['d-1', 'd-2', 'd-3']) {
      writes.push({
        put: { ...key(device, 1), temp: { N: '20.5' }, raw: { B: Buffer.from([0, 1, 2, 255]) } },
      });
      writes.push({ update: { key: key(device, 1), set: { temp: { N: '21.25' }, tags: { SS: ['hot'] } } } });
    }
    writes.push({ delete: key('d-2', 1) });
    await writeItems(aws, table.name, writes);
    const changes = await readStreamRecords(aws, table, writes.length);
    const kinesis = await viaKinesis(aws, changes);
    streamName = kinesis.streamName;

    // Act: both bridges publish the same changes to one topic.
    const viaKinesisPath = await kinesisHandler(kinesisEvent(kinesis.records), lambdaContext());
    const viaStreamsPath = await streamsHandler(streamEvent(changes), lambdaContext());

    // Assess
    expect(viaKinesisPath).toEqual({ batchItemFailures: [] });
    expect(viaStreamsPath).toEqual({ batchItemFailures: [] });
    const tombstones = 2; // the delete, once per path, in primaryKey mode
    const messages = await readTopic(kafka, topic, 2 * changes.length + tombstones);
    expect(messages).toHaveLength(2 * changes.length + tombstones);
    const byLineage = (bridge: string) => messages.filter((m) => m.headers['sb-lineage'] === bridge);
    const fromKinesis = byLineage('kinesis-to-kafka');
    const fromStreams = byLineage('ddb-stream-to-kafka');

    // Every change once per path, keyed by the full primary key, with the Kinesis sequence number as header
    const envelopes = fromKinesis.filter((m) => m.value !== null);
    expect(envelopes.map((m) => m.headers['sb-event-id']).sort()).toEqual(
      changes.map((c) => c.eventID).sort(),
    );
    const kinesisSequences = new Set(
      kinesis.records.map((r: KinesisStreamRecord) => r.kinesis.sequenceNumber),
    );
    expect(envelopes.every((m) => kinesisSequences.has(m.headers['sb-sequence-number'] as string))).toBe(
      true,
    );
    expect(fromKinesis.filter((m) => m.value === null).map((m) => m.key)).toEqual([
      '{"deviceId":"d-2","ts":1}',
    ]);

    // Same key → same partition on both paths, and in change order
    for (const device of ['d-1', 'd-2', 'd-3']) {
      const k = `{"deviceId":"${device}","ts":1}`;
      const ops = (list: typeof messages) =>
        list.filter((m) => m.key === k).map((m) => (m.value === null ? 'tombstone' : m.headers['sb-op']));
      const expected = device === 'd-2' ? ['c', 'u', 'd', 'tombstone'] : ['c', 'u'];
      expect(ops(fromKinesis)).toEqual(expected);
      expect(ops(fromStreams)).toEqual(expected);
      expect(new Set(messages.filter((m) => m.key === k).map((m) => m.partition)).size).toBe(1);
    }

    // Byte-identical envelopes: only the bridge's ts_ms and the path's sequence number differ.
    for (const kinesisMessage of envelopes) {
      const eventId = kinesisMessage.headers['sb-event-id'];
      const streamsMessage = fromStreams.find(
        (m) => m.value !== null && m.headers['sb-event-id'] === eventId,
      );
      const streamsBytes = streamsMessage?.value ?? '';
      const a = JSON.parse(streamsBytes);
      const b = JSON.parse(kinesisMessage.value as string);
      const expected = streamsBytes
        .replace(
          `"sequenceNumber":"${a.source.sequenceNumber}"`,
          `"sequenceNumber":"${b.source.sequenceNumber}"`,
        )
        .replace(new RegExp(`"ts_ms":${a.ts_ms}}$`), `"ts_ms":${b.ts_ms}}`);
      expect(kinesisMessage.value).toBe(expected);
      expect(b.source.sequenceNumber).toBe(String(b.source.ts_ms * 1000));
    }
    const modify = JSON.parse(envelopes.find((m) => m.headers['sb-op'] === 'u')?.value as string);
    expect(modify.after).toMatchObject({ temp: 21.25, tags: { $SS: ['hot'] }, raw: { $B: 'AAEC/w==' } });
  });
});
