import type { MSKRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeKafkaRecord, partitionBatches } from '../../../lambdas/core/kafkaRecords';
import { mskEvent, mskRecord } from '../../../local/events/mskEvents';

const CDC_HEADERS = {
  'sb-table': 'orders',
  'sb-op': 'u',
  'sb-event-id': 'e-1',
  'sb-sequence-number': '100000000000000000001',
  'content-type': 'application/json',
  'sb-lineage': 'ddb-stream-to-kafka',
};

/** Counts reads of a raw record's key, value and headers (to see what decoding touches, and when). */
function counted(raw: MSKRecord) {
  const reads = { key: 0, value: 0, headers: 0 };
  const watched = { ...raw };
  for (const name of ['key', 'value', 'headers'] as const) {
    Object.defineProperty(watched, name, {
      get: () => {
        reads[name]++;
        return raw[name];
      },
    });
  }
  return { raw: watched, reads };
}

describe('decodeKafkaRecord', () => {
  it('gives the same bytes as decoding every part eagerly', () => {
    // Prepare
    const raw = mskRecord({
      offset: 7,
      key: 'o-1',
      value: { id: 'o-1', note: 'café ☕' },
      headers: CDC_HEADERS,
    });
    // Act
    const record = decodeKafkaRecord(raw);
    // Assess
    expect(record.key).toEqual(Buffer.from(raw.key, 'base64'));
    expect(record.value).toEqual(Buffer.from(raw.value, 'base64'));
    expect(record.valueText()).toBe(Buffer.from(raw.value, 'base64').toString('utf8'));
    expect(record.valueSize).toBe(Buffer.from(raw.value, 'base64').length);
    expect(Object.keys(record.headers)).toEqual(Object.keys(CDC_HEADERS));
    for (const [name, text] of Object.entries(CDC_HEADERS))
      expect(record.headers[name]).toEqual(Buffer.from(text));
    expect([record.topic, record.partition, record.offset, record.timestamp]).toEqual([
      'events',
      0,
      7,
      1_764_144_000_000,
    ]);
  });

  it('reads the value size and text in either order', () => {
    // Prepare
    const raw = mskRecord({ offset: 1, value: { text: 'ünïcödé' } });
    const bytes = Buffer.from(raw.value, 'base64');
    // Act
    const textFirst = decodeKafkaRecord(raw);
    const text = textFirst.valueText();
    const bytesFirst = decodeKafkaRecord(raw);
    const size = bytesFirst.valueSize;
    // Assess
    expect([text, textFirst.valueSize, textFirst.value]).toEqual([
      bytes.toString('utf8'),
      bytes.length,
      bytes,
    ]);
    expect([size, bytesFirst.valueText(), bytesFirst.value]).toEqual([bytes.length, text, bytes]);
    expect(bytes.length).toBeGreaterThan((text as string).length);
  });

  it('decodes key and headers only when read, and only once', () => {
    // Prepare
    const { raw, reads } = counted(mskRecord({ offset: 1, key: 'k', value: { a: 1 }, headers: CDC_HEADERS }));
    // Act
    const record = decodeKafkaRecord(raw);
    record.valueText();
    const before = { ...reads };
    const headers = record.headers;
    const key = record.key;
    // Assess
    expect([before.key, before.headers]).toEqual([0, 0]);
    expect(record.headers).toBe(headers);
    expect(record.key).toBe(key);
    expect(reads.headers).toBe(1);
    expect(key?.toString()).toBe('k');
  });

  it('reads a tombstone and a record without key or headers', () => {
    // Prepare
    const raw = { ...mskRecord({ offset: 3, value: null }), headers: undefined } as unknown as MSKRecord;
    // Act
    const record = decodeKafkaRecord(raw);
    // Assess
    expect([record.key, record.value, record.valueText(), record.valueSize]).toEqual([null, null, null, 0]);
    expect(record.headers).toEqual({});
  });

  it('decodes values of every size, small ones after a large one', () => {
    // Prepare
    const values = [300_000, 10, 1_000_000, 70_000, 3].map((n, i) => ({ i, pad: 'x€'.repeat(n / 2) }));
    const raws = values.map((value, offset) => mskRecord({ offset, value }));
    // Act
    const texts = raws.map((raw) => decodeKafkaRecord(raw).valueText());
    const sizes = raws.map((raw) => decodeKafkaRecord(raw).valueSize);
    // Assess
    expect(texts.map((t) => JSON.parse(t as string))).toEqual(values);
    expect(sizes).toEqual(values.map((v) => Buffer.byteLength(JSON.stringify(v))));
  });
});

describe('partitionBatches', () => {
  it('groups records by partition, each in offset order', () => {
    // Prepare
    const event = mskEvent([
      { partition: 1, offset: 9, value: { n: 1 } },
      { partition: 0, offset: 6, value: { n: 2 } },
      { partition: 0, offset: 5, value: { n: 3 } },
    ]);
    // Act
    const batches = partitionBatches(event);
    // Assess
    expect(batches.map((b) => [b.partition, b.records.map((r) => r.offset)])).toEqual([
      [1, [9]],
      [0, [5, 6]],
    ]);
    expect(batches[1]?.records.map((r) => JSON.parse(r.valueText() as string).n)).toEqual([3, 2]);
  });
});
