import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaEvent, kafkaFilterView, kafkaSourceRecord } from '../../../local/runtime/pollers/kafkaEvent';

describe('Kafka event shape', () => {
  const message: KafkaMessage = {
    key: Buffer.from('user-1'),
    value: Buffer.from('{"n":1}'),
    timestamp: '1795687200000',
    attributes: 0,
    offset: '15',
    headers: { source: Buffer.from('ab'), multi: [Buffer.from('x'), 'y'] },
  };

  it('builds the MSK event grouped by topic-partition', () => {
    // Act
    const record = kafkaSourceRecord(message, { topic: 'orders', partition: 2 });
    const event = kafkaEvent([record], {
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/1',
      bootstrapServers: '127.0.0.1:19092',
    });

    // Assess
    expect(event).toEqual({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/1',
      bootstrapServers: '127.0.0.1:19092',
      records: {
        'orders-2': [
          {
            topic: 'orders',
            partition: 2,
            offset: 15,
            timestamp: 1795687200000,
            timestampType: 'CREATE_TIME',
            key: Buffer.from('user-1').toString('base64'),
            value: Buffer.from('{"n":1}').toString('base64'),
            headers: [{ source: [97, 98] }, { multi: [120] }, { multi: [121] }],
          },
        ],
      },
    });
    expect(record.position).toBe('15');
  });

  it('marks broker-appended timestamps and leaves out a missing key and a tombstone value', () => {
    const record = kafkaSourceRecord(
      { ...message, key: null, value: null, attributes: 0x08 },
      { topic: 't', partition: 0 },
    );

    expect(record.eventRecord.timestampType).toBe('LOG_APPEND_TIME');
    expect(record.eventRecord).not.toHaveProperty('key');
    expect(record.eventRecord).not.toHaveProperty('value');
  });

  it('lets filters see the value as JSON, or as text when it is not JSON', () => {
    const json = kafkaSourceRecord(message, { topic: 't', partition: 0 });
    const text = kafkaSourceRecord({ ...message, value: Buffer.from('error') }, { topic: 't', partition: 0 });

    expect(kafkaFilterView(json).value).toEqual({ n: 1 });
    expect(kafkaFilterView(text).value).toBe('error');
  });
});
