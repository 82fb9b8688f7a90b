import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '../../../lambdas/core/Logger';
import type { InvocationResult } from '../../../local/runtime/environment/types';
import { checkpointScope, MemoryCheckpointStore } from '../../../local/runtime/pollers/CheckpointStore';
import { OnFailureDestination } from '../../../local/runtime/pollers/OnFailureDestination';
import {
  type IteratorPosition,
  type ShardDescription,
  type ShardPage,
  StreamPoller,
} from '../../../local/runtime/pollers/StreamPoller';
import type { CheckpointStore, PollerContext } from '../../../local/runtime/pollers/types';
import type { LocalEventSourceMapping } from '../../../local/runtime/types';
import { mapping, success, type TestRecord } from './factories';

const silent = new Logger('test', { write: () => undefined });

interface FakeShard {
  readonly description: ShardDescription;
  readonly records: TestRecord[];
}

/**
 * An in-memory stream: shards of records; iterators are `shard@index` and expire on demand; `trim` drops a
 * shard's oldest records as a stream past its retention does (positions before them are refused).
 */
class FakeStream {
  readonly shards = new Map<string, FakeShard>();
  readonly iteratorRequests: { shardId: string; position: IteratorPosition }[] = [];
  /** Index of the oldest record kept, per shard. */
  readonly horizons = new Map<string, number>();
  expireNextRead = false;
  /** When each read began (performance.now()), per shard. */
  readonly reads = new Map<string, number[]>();
  /** What reads answer as `behind` (Kinesis: MillisBehindLatest > 0). */
  behind = false;
  #sequence = 100;

  trim(shardId: string, count: number): void {
    this.horizons.set(shardId, (this.horizons.get(shardId) ?? 0) + count);
  }

  addShard(shardId: string, options: { parentShardId?: string; closed?: boolean } = {}): void {
    this.shards.set(shardId, {
      description: {
        shardId,
        closed: options.closed ?? false,
        ...(options.parentShardId ? { parentShardId: options.parentShardId } : {}),
      },
      records: [],
    });
  }

  put(shardId: string, key: string, payload = key): TestRecord {
    const position = String(this.#sequence++);
    const record: TestRecord = {
      position,
      arrivalMs: Date.now(),
      orderKey: key,
      eventRecord: { id: payload, key },
      sizeBytes: 40,
    };
    this.shards.get(shardId)?.records.push(record);
    return record;
  }
}

function trimmedError(): Error {
  return Object.assign(
    new Error('The operation attempted to read past the oldest stream record in a shard.'),
    {
      name: 'TrimmedDataAccessException',
    },
  );
}

class FakeStreamPoller extends StreamPoller<TestRecord> {
  protected readonly sourceKind = 'kinesis';
  protected readonly getRecordsLimit = 3;
  readonly #stream: FakeStream;

  constructor(context: PollerContext, stream: FakeStream) {
    super(context);
    this.#stream = stream;
  }

  protected async listShards(): Promise<ShardDescription[]> {
    return [...this.#stream.shards.values()].map((shard) => shard.description);
  }

  protected async shardIterator(shardId: string, position: IteratorPosition): Promise<string> {
    this.#stream.iteratorRequests.push({ shardId, position });
    const records = this.#stream.shards.get(shardId)?.records ?? [];
    const horizon = this.#stream.horizons.get(shardId) ?? 0;
    if (position.type === 'TRIM_HORIZON') return `${shardId}@${horizon}`;
    if (position.type === 'LATEST') return `${shardId}@${records.length}`;
    const after = position.type === 'AFTER_SEQUENCE_NUMBER' ? position.sequenceNumber : undefined;
    const index = records.findIndex((record) => record.position === after);
    if (index < horizon) throw trimmedError();
    return `${shardId}@${index + 1}`;
  }

  protected async readPage(shardId: string, iterator: string, limit: number): Promise<ShardPage<TestRecord>> {
    this.#stream.reads.set(shardId, [...(this.#stream.reads.get(shardId) ?? []), performance.now()]);
    if (this.#stream.expireNextRead) {
      this.#stream.expireNextRead = false;
      throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
    }
    const shard = this.#stream.shards.get(shardId) as FakeShard;
    const start = Number(iterator.split('@')[1]);
    if (start < (this.#stream.horizons.get(shardId) ?? 0)) throw trimmedError();
    const records = shard.records.slice(start, start + limit);
    const end = start + records.length;
    const finished = shard.description.closed && end >= shard.records.length;
    return { records, nextIterator: finished ? undefined : `${shardId}@${end}`, behind: this.#stream.behind };
  }

  protected isExpiredIterator(error: unknown): boolean {
    return error instanceof Error && error.name === 'ExpiredIteratorException';
  }

  protected override isTrimmed(error: unknown): boolean {
    return error instanceof Error && error.name === 'TrimmedDataAccessException';
  }

  protected filterView(record: TestRecord): unknown {
    return record.eventRecord;
  }

  protected buildEvent(records: readonly TestRecord[]): KinesisStreamEvent {
    return { Records: records.map((record) => record.eventRecord) } as unknown as KinesisStreamEvent;
  }
}

/** A function that records each batch (the ids in order) and answers with `respond`. */
function recordingFunction(
  respond: (ids: string[]) => Promise<InvocationResult> | InvocationResult = () => success(),
) {
  const batches: string[][] = [];
  return {
    batches,
    seen: () => batches.flat(),
    fn: {
      functionName: 'fake',
      invoke: async (event: unknown) => {
        const ids = (event as { Records: { id: string }[] }).Records.map((record) => record.id);
        batches.push(ids);
        return respond(ids);
      },
    },
  };
}

const running: FakeStreamPoller[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((poller) => poller.stop()));
});

function startPoller(
  stream: FakeStream,
  fn: PollerContext['fn'],
  overrides: Partial<LocalEventSourceMapping> = {},
  checkpoints: CheckpointStore = new MemoryCheckpointStore(),
  logger: Logger = silent,
  pollIntervalMs = 5,
): FakeStreamPoller {
  const context: PollerContext = {
    mapping: mapping(overrides),
    fn,
    destination: new OnFailureDestination({ logger: silent, mappingId: 'TestMapping' }),
    checkpoints,
    logger,
    now: Date.now,
    region: 'us-east-1',
    accountId: '123456789012',
    settings: {
      pollIntervalMs: { 'dynamodb-streams': pollIntervalMs, kinesis: pollIntervalMs },
      shardRefreshMs: 20,
      retryBackoffBaseMs: 1,
      retryBackoffMaxMs: 5,
      maxBufferedRecords: 1_000,
    },
  };
  const poller = new FakeStreamPoller(context, stream);
  running.push(poller);
  return poller;
}

const waitFor = (assertion: () => void) => vi.waitFor(assertion, { timeout: 3_000, interval: 5 });

describe('StreamPoller', () => {
  it('reads a shard from TRIM_HORIZON in order, in batches of BatchSize', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s0');
    for (const key of ['a', 'b', 'c', 'd', 'e']) stream.put('s0', key);
    const { fn, batches, seen } = recordingFunction();

    // Act
    await startPoller(stream, fn, { batchSize: 2 }).start();

    // Assess
    await waitFor(() => expect(seen()).toEqual(['a', 'b', 'c', 'd', 'e']));
    expect(batches.every((batch) => batch.length <= 2)).toBe(true);
  });

  it('reads a shard once per base interval while pages are short, at once after a full page or while behind', async () => {
    // Prepare: 7 records, pages of at most 3 (full, full, short), a 200 ms base interval.
    const intervalMs = 200;
    const stream = new FakeStream();
    stream.addShard('s0');
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) stream.put('s0', key);
    const { fn, seen } = recordingFunction();
    const gaps = () => {
      const at = stream.reads.get('s0') ?? [];
      return at.slice(1).map((t, i) => t - (at[i] as number));
    };

    // Act
    const poller = startPoller(stream, fn, {}, new MemoryCheckpointStore(), silent, intervalMs);
    await poller.start();
    await waitFor(() => expect(gaps().length).toBeGreaterThanOrEqual(3));

    // Assess: after the two full pages at once; after the short one and the empty one an interval later.
    const [afterFull1, afterFull2, afterShort] = gaps();
    expect(afterFull1).toBeLessThan(intervalMs / 2);
    expect(afterFull2).toBeLessThan(intervalMs / 2);
    expect(afterShort).toBeGreaterThanOrEqual(intervalMs - 5);
    expect(seen()).toHaveLength(7);

    // Act: a short page that says the reader is behind (the read after it is empty and waits again).
    stream.behind = true;
    const before = stream.reads.get('s0')?.length ?? 0;
    stream.put('s0', 'h');
    await waitFor(() => expect(gaps().length).toBeGreaterThanOrEqual(before + 2));

    // Assess: the read after the page that was behind came at once, the one after the empty page did not.
    expect(seen()).toHaveLength(8);
    expect(gaps()[before]).toBeLessThan(intervalMs / 2);
    expect(gaps()[before + 1]).toBeGreaterThanOrEqual(intervalMs - 5);
  });

  it('reads only records written after start() with LATEST', async () => {
    const stream = new FakeStream();
    stream.addShard('s0');
    stream.put('s0', 'old');
    const { fn, seen } = recordingFunction();

    await startPoller(stream, fn, { startingPosition: 'LATEST' }).start();
    stream.put('s0', 'new');

    await waitFor(() => expect(seen()).toEqual(['new']));
  });

  it('re-acquires an expired iterator after the last record read, losing and repeating nothing', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s0');
    for (const key of ['a', 'b', 'c', 'd']) stream.put('s0', key);
    const { fn, seen } = recordingFunction();
    const poller = startPoller(stream, fn);
    await poller.start();
    await waitFor(() => expect(seen()).toHaveLength(4));

    // Act
    stream.expireNextRead = true;
    stream.put('s0', 'e');

    // Assess
    await waitFor(() => expect(seen()).toEqual(['a', 'b', 'c', 'd', 'e']));
    expect(stream.iteratorRequests.at(-1)?.position).toMatchObject({ type: 'AFTER_SEQUENCE_NUMBER' });
  });

  it('reads a child shard only after its parent is done', async () => {
    // Prepare: a closed parent with records and an open child that already has records.
    const stream = new FakeStream();
    stream.addShard('parent', { closed: true });
    stream.addShard('child', { parentShardId: 'parent' });
    stream.put('parent', 'p1');
    stream.put('parent', 'p2');
    stream.put('child', 'c1');
    const { fn, seen } = recordingFunction(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return success();
    });

    // Act
    await startPoller(stream, fn, { batchSize: 1 }).start();

    // Assess
    await waitFor(() => expect(seen()).toEqual(['p1', 'p2', 'c1']));
  });

  it('runs ParallelizationFactor batches of a shard at once, keeping each key in order', async () => {
    // Prepare: 40 records over 8 keys; each invocation takes a while so lanes overlap.
    const stream = new FakeStream();
    stream.addShard('s0');
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    for (let i = 0; i < 40; i++)
      stream.put('s0', keys[i % keys.length] as string, `${keys[i % keys.length]}:${i}`);
    let inFlight = 0;
    let maxInFlight = 0;
    const { fn, seen } = recordingFunction(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight--;
      return success();
    });

    // Act
    await startPoller(stream, fn, { batchSize: 2, parallelizationFactor: 4 }).start();

    // Assess
    await waitFor(() => expect(seen()).toHaveLength(40));
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    for (const key of keys) {
      const order = seen()
        .filter((id) => id.startsWith(`${key}:`))
        .map((id) => Number(id.split(':')[1]));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('drops records the filters reject and still checkpoints past them', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s0');
    stream.put('s0', 'keep-1');
    const dropped = stream.put('s0', 'drop');
    const last = stream.put('s0', 'keep-2');
    const checkpoints = new MemoryCheckpointStore();
    const { fn, seen } = recordingFunction();

    // Act
    await startPoller(stream, fn, { filters: [{ id: [{ prefix: 'keep' }] }] }, checkpoints).start();

    // Assess
    await waitFor(() =>
      expect(checkpoints.get(checkpointScope('TestMapping', mapping().sourceArn as string), 's0')).toBe(
        last.position,
      ),
    );
    expect(seen()).toEqual(['keep-1', 'keep-2']);
    expect(seen()).not.toContain(dropped.eventRecord.id);
  });

  it('continues from TRIM_HORIZON when its checkpoint was trimmed while it was stopped, with a warning', async () => {
    // Prepare: a first run processes a; the stream then trims a and b while nothing reads it.
    const stream = new FakeStream();
    stream.addShard('s0');
    stream.put('s0', 'a');
    const checkpoints = new MemoryCheckpointStore();
    const first = recordingFunction();
    const poller = startPoller(stream, first.fn, {}, checkpoints);
    await poller.start();
    await waitFor(() => expect(first.seen()).toEqual(['a']));
    await poller.stop();
    stream.put('s0', 'b');
    stream.put('s0', 'c');
    stream.trim('s0', 2);
    const warnings: string[] = [];
    const logger = new Logger('test', { write: (line) => warnings.push(line) });

    // Act
    const second = recordingFunction();
    await startPoller(stream, second.fn, {}, checkpoints, logger).start();

    // Assess: b is lost (trimmed before it was read), c is read once
    await waitFor(() => expect(second.seen()).toEqual(['c']));
    expect(stream.iteratorRequests.slice(-2).map((request) => request.position.type)).toEqual([
      'AFTER_SEQUENCE_NUMBER',
      'TRIM_HORIZON',
    ]);
    expect(warnings.join('\n')).toContain(
      'shard position trimmed from the stream; continuing from TRIM_HORIZON',
    );
  });

  it('continues from TRIM_HORIZON when the records after its iterator were trimmed, repeating nothing', async () => {
    // Prepare
    const stream = new FakeStream();
    stream.addShard('s0');
    stream.put('s0', 'a');
    const { fn, seen } = recordingFunction();
    await startPoller(stream, fn).start();
    await waitFor(() => expect(seen()).toEqual(['a']));

    // Act: b and c are written and trimmed before the poller's next read; d is kept
    stream.put('s0', 'b');
    stream.put('s0', 'c');
    stream.put('s0', 'd');
    stream.trim('s0', 3);

    // Assess
    await waitFor(() => expect(seen()).toContain('d'));
    expect(seen()).toEqual(['a', 'd']);
    expect(stream.iteratorRequests.at(-1)?.position).toEqual({ type: 'TRIM_HORIZON' });
  });

  it('resumes after the stored checkpoint when restarted', async () => {
    // Prepare: a first run processes a and b.
    const stream = new FakeStream();
    stream.addShard('s0');
    stream.put('s0', 'a');
    stream.put('s0', 'b');
    const checkpoints = new MemoryCheckpointStore();
    const first = recordingFunction();
    const poller = startPoller(stream, first.fn, {}, checkpoints);
    await poller.start();
    await waitFor(() => expect(first.seen()).toEqual(['a', 'b']));
    await poller.stop();

    // Act
    stream.put('s0', 'c');
    const second = recordingFunction();
    await startPoller(stream, second.fn, {}, checkpoints).start();

    // Assess
    await waitFor(() => expect(second.seen()).toEqual(['c']));
  });

  it("starts a recreated stream (new ARN, same shard ids) from its starting position, not after the old stream's checkpoint", async () => {
    // Prepare: a first run checkpoints shard s0 of the table's first stream.
    const checkpoints = new MemoryCheckpointStore();
    const oldStream = new FakeStream();
    oldStream.addShard('s0');
    oldStream.put('s0', 'a');
    const first = recordingFunction();
    const oldArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-26T10:00:00.000';
    const poller = startPoller(oldStream, first.fn, { sourceArn: oldArn }, checkpoints);
    await poller.start();
    await waitFor(() => expect(first.seen()).toEqual(['a']));
    await poller.stop();

    // Act: the table was deleted and created again; its new stream repeats the shard id.
    const newStream = new FakeStream();
    newStream.addShard('s0');
    newStream.put('s0', 'x');
    const second = recordingFunction();
    const newArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-26T11:00:00.000';
    await startPoller(newStream, second.fn, { sourceArn: newArn }, checkpoints).start();

    // Assess
    await waitFor(() => expect(second.seen()).toEqual(['x']));
    expect(newStream.iteratorRequests[0]?.position).toEqual({ type: 'TRIM_HORIZON' });
    expect(checkpoints.get(checkpointScope('TestMapping', oldArn), 's0')).toBeDefined();
  });
});
