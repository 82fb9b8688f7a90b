import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { SourceTableConfig } from '../../../config/types';
import { changeMessages } from '../../../lambdas/core/change-bridge/changeMessages';
import { dynamoDbStreamCarrier } from '../../../lambdas/core/change-bridge/dynamoDbStreamCarrier';
import { compileTablePlans } from '../../../lambdas/core/change-bridge/tablePlans';
import { compiledJsonItemText } from '../../../lambdas/core/envelope/compiledItemText';
import { jsonItemText } from '../../../lambdas/core/envelope/itemText';
import type { EnvelopeWriter } from '../../../lambdas/core/envelope/types';
import { DEFAULT_TABLE, streamRecord } from '../../factories/cdcRecords';

const source: SourceTableConfig = {
  name: DEFAULT_TABLE,
  partitionKey: { name: 'orderId', type: 'S' },
  topic: 'orders.changes',
  kafkaKey: 'primaryKey',
};
const slice = { sources: [source], topics: [{ name: 'orders.changes', partitions: 3 }] };

/** A batch of one table's changes in a few shapes, every attribute type among them. */
function orderRecords() {
  return Array.from({ length: 12 }, (_, i) => {
    const keys = { orderId: { S: `o-${i % 4}` } };
    const image = {
      ...keys,
      total: { N: String(i * 1.25) },
      big: { N: '12345678901234567890' },
      tags: { SS: ['a', `t${i}`] },
      ...(i % 3 === 0 ? { lines: { L: [{ M: { sku: { S: 's' }, qty: { N: '1' } } }] } } : {}),
      ...(i % 2 === 0 ? { paid: { BOOL: true }, note: { NULL: true as const } } : { blob: { B: 'AAEC' } }),
    };
    const eventName = i % 5 === 4 ? 'REMOVE' : i % 2 === 0 ? 'INSERT' : 'MODIFY';
    return streamRecord({
      eventName,
      keys,
      ...(eventName === 'INSERT' ? {} : { oldImage: image }),
      ...(eventName === 'REMOVE' ? {} : { newImage: image }),
      sequenceNumber: String(1_000 + i),
    });
  });
}

function messagesWith(records: readonly DynamoDBRecord[], envelopeWriter: EnvelopeWriter) {
  const plans = compileTablePlans(slice, { salt: '', envelopeWriter });
  return records.flatMap((record) =>
    changeMessages({
      plan: plans.tables.get(DEFAULT_TABLE) as NonNullable<ReturnType<typeof plans.tables.get>>,
      change: dynamoDbStreamCarrier.decode(record),
      location: dynamoDbStreamCarrier.locate(record),
      producedAtMs: 1_764_144_000_500,
      lineage: 'test-bridge',
      maxMessageBytes: plans.maxMessageBytes,
    }),
  );
}

describe('compileTablePlans: the envelope writer switch', () => {
  it.each([
    ['compiled writers by default', undefined, compiledJsonItemText],
    ['compiled writers', 'compiled' as const, compiledJsonItemText],
    ['the general writer', 'general' as const, jsonItemText],
  ])('gives each table %s', (_, envelopeWriter, expected) => {
    // Act
    const plans = compileTablePlans(slice, { salt: '', ...(envelopeWriter ? { envelopeWriter } : {}) });

    // Assess
    expect(plans.tables.get(DEFAULT_TABLE)?.itemText).toBe(expected);
  });

  it('produces the same messages, byte for byte, with either writer', () => {
    // Prepare
    const records = orderRecords();

    // Act
    const general = messagesWith(records, 'general');
    const compiled = messagesWith(records, 'compiled');

    // Assess
    expect(general).toHaveLength(14); // 12 envelopes and a tombstone after each of the 2 deletes
    expect(compiled).toEqual(general);
  });
});
