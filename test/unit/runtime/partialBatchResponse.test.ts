import { describe, expect, it } from 'vitest';
import { kafkaFailureIndex, streamFailureIndex } from '../../../local/runtime/pollers/partialBatchResponse';
import { records } from './factories';

describe('partial batch responses', () => {
  const batch = records(3, { first: 10 });

  it('finds the lowest reported stream sequence number', () => {
    expect(
      streamFailureIndex({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '11' }] }, batch),
    ).toBe(1);
    expect(streamFailureIndex({ batchItemFailures: [] }, batch)).toBeUndefined();
    expect(streamFailureIndex('not an object', batch)).toBeUndefined();
    expect(streamFailureIndex({ batchItemFailures: [{ itemIdentifier: 11 }] }, batch)).toBe('invalid');
  });

  it('matches Kafka identifiers on topic-partition and offset', () => {
    const id = (tp: string, offset: unknown) => ({
      batchItemFailures: [{ itemIdentifier: { 'topic-partition': tp, offset } }],
    });

    expect(kafkaFailureIndex(id('t-0', 11), batch, 't-0')).toBe(1);
    expect(kafkaFailureIndex(id('t-0', '12'), batch, 't-0')).toBe(2);
    expect(kafkaFailureIndex(id('t-1', 11), batch, 't-0')).toBe('invalid');
    expect(kafkaFailureIndex(id('t-0', 99), batch, 't-0')).toBe('invalid');
    expect(kafkaFailureIndex({ batchItemFailures: [{ itemIdentifier: '11' }] }, batch, 't-0')).toBe(
      'invalid',
    );
  });
});
