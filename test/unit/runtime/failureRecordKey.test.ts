import { describe, expect, it } from 'vitest';
import { failureRecordKey } from '../../../local/runtime/pollers/failureRecordKey';

describe('failureRecordKey', () => {
  it('lays the key out as AWS does for S3 on-failure records (UTC, dots in the time)', () => {
    // Act
    const key = failureRecordKey(
      'OrdersMapping',
      'shardId-000000000000',
      new Date('2026-01-09T03:04:05.678Z'),
      '3f1c2b9e-0000-4000-8000-000000000001',
    );

    // Assess
    expect(key).toBe(
      'aws/lambda/OrdersMapping/shardId-000000000000/2026/01/09/2026-01-09T03.04.05-3f1c2b9e-0000-4000-8000-000000000001',
    );
  });

  it('gives each record its own random id', () => {
    // Arrange
    const at = new Date('2026-01-09T03:04:05Z');

    // Act
    const keys = new Set([failureRecordKey('M', 'orders-0', at), failureRecordKey('M', 'orders-0', at)]);

    // Assess
    expect(keys.size).toBe(2);
  });
});
