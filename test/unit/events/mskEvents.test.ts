import { describe, expect, it } from 'vitest';
import { mskEvent, mskEventOf, mskRecord } from '../../../local/events/mskEvents';

describe('MSK events', () => {
  it('groups records by topic-partition, keeping their order within each', () => {
    // Prepare
    const records = [
      mskRecord({ topic: 'a', partition: 1, offset: 5, value: 'x' }),
      mskRecord({ topic: 'b', partition: 0, offset: 9, value: 'y' }),
      mskRecord({ topic: 'a', partition: 1, offset: 6, value: 'z' }),
    ];

    // Act
    const event = mskEventOf(records, {
      eventSourceArn: 'arn:aws:kafka:cluster',
      bootstrapServers: 'b:9092',
    });

    // Assess
    expect(event.eventSource).toBe('aws:kafka');
    expect(event.eventSourceArn).toBe('arn:aws:kafka:cluster');
    expect(event.bootstrapServers).toBe('b:9092');
    expect(Object.keys(event.records)).toEqual(['a-1', 'b-0']);
    expect(event.records['a-1'].map((record) => record.offset)).toEqual([5, 6]);
  });

  it('encodes a spec as Lambda does: key and value base64, objects as JSON, headers as bytes', () => {
    // Act
    const record = mskRecord({ offset: 3, key: 'user-1', value: { clicks: 1 }, headers: { op: 'c' } });

    // Assess
    expect(record.topic).toBe('events');
    expect(record.partition).toBe(0);
    expect(Buffer.from(record.key, 'base64').toString()).toBe('user-1');
    expect(Buffer.from(record.value, 'base64').toString()).toBe('{"clicks":1}');
    expect(record.headers).toEqual([{ op: [99] }]);
  });

  it('makes a tombstone of a null value and leaves a missing key null', () => {
    // Act
    const event = mskEvent([{ offset: 0, value: null }]);

    // Assess
    expect(event.records['events-0'][0].value).toBeNull();
    expect(event.records['events-0'][0].key).toBeNull();
  });
});
