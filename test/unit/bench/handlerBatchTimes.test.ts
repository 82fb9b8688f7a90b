import { describe, expect, it } from 'vitest';
import { handlerBatchTimes } from '../../../bench/handlerBatchTimes';

const T0 = Date.parse('2026-12-06T01:00:00.000Z');

function done(fn: string, atMs: number, ms: number, records: number, topics?: string[]): string {
  const line = {
    level: 'INFO',
    timestamp: new Date(T0 + atMs).toISOString(),
    service: fn,
    message: 'batch done',
    records,
    ...(topics ? { topics } : {}),
    ms,
  };
  return `[streambridge-${fn}] ${JSON.stringify(line)}`;
}

describe('handlerBatchTimes (end-to-end bench)', () => {
  it('groups the batch times of each function by topic, slowest p99 first', () => {
    const log = [
      done('kafka-to-dynamodb', 1_000, 100, 20, ['orders.changes']),
      done('kafka-to-dynamodb', 2_000, 300, 30, ['orders.changes']),
      done('kafka-to-dynamodb', 2_500, 40, 10, ['telemetry.changes']),
      done('kafka-to-redis', 3_000, 7, 25, ['clickstream']),
      done('ddb-stream-to-kafka', 3_500, 15, 21),
    ].join('\n');
    expect(handlerBatchTimes(log, T0, T0 + 10_000)).toEqual([
      {
        handler: 'streambridge-kafka-to-dynamodb orders.changes',
        batches: 2,
        p50: 100,
        p99: 300,
        max: 300,
        recordsP50: 20,
      },
      {
        handler: 'streambridge-kafka-to-dynamodb telemetry.changes',
        batches: 1,
        p50: 40,
        p99: 40,
        max: 40,
        recordsP50: 10,
      },
      { handler: 'streambridge-ddb-stream-to-kafka', batches: 1, p50: 15, p99: 15, max: 15, recordsP50: 21 },
      {
        handler: 'streambridge-kafka-to-redis clickstream',
        batches: 1,
        p50: 7,
        p99: 7,
        max: 7,
        recordsP50: 25,
      },
    ]);
  });

  it('keeps only the lines stamped within the span and skips other lines and broken JSON', () => {
    const log = [
      done('kafka-to-redis', -1, 900, 5, ['clickstream']),
      done('kafka-to-redis', 0, 11, 5, ['clickstream']),
      'pipeline running',
      '[streambridge-kafka-to-redis] {"message":"batch done", "ms": 5',
      '[streambridge-kafka-to-redis] {"level":"INFO","message":"poller started"}',
      done('kafka-to-redis', 5_000, 13, 5, ['clickstream']),
      done('kafka-to-redis', 5_001, 800, 5, ['clickstream']),
    ].join('\n');
    const [times, ...others] = handlerBatchTimes(log, T0, T0 + 5_000);
    expect(others).toEqual([]);
    expect(times).toMatchObject({ batches: 2, p50: 11, p99: 13, max: 13 });
  });

  it('finds nothing in a log without batch lines', () => {
    expect(handlerBatchTimes('pipeline running\n', T0, T0 + 1_000)).toEqual([]);
  });
});
