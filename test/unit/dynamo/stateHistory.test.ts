import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SinkTableConfig, StateHistory } from '../../../config/types';
import { numberToJson } from '../../../lambdas/core/envelope/losslessMapping';
import { decodeKafkaRecord } from '../../../lambdas/core/kafkaRecords';
import { PoisonRecordError } from '../../../lambdas/core/sink/errors';
import { decodeSinkEvent } from '../../../lambdas/core/sink/sinkEvent';
import { toHistoryEntry } from '../../../lambdas/kafka-to-dynamodb/readStateHistory';
import { StateHistoryWriter } from '../../../lambdas/kafka-to-dynamodb/StateHistoryWriter';
import { toSdkItem } from '../../../lambdas/kafka-to-dynamodb/sdkItems';
import type { HistoryEntry } from '../../../lambdas/kafka-to-dynamodb/stateAsOf';
import { foldAsOf, HistoryGapError, selectVersion } from '../../../lambdas/kafka-to-dynamodb/stateAsOf';
import { mskRecord } from '../../../local/events/mskEvents';

const T0 = 1_764_144_000_000;
const TABLE: SinkTableConfig = {
  name: 'sb-order-history',
  partitionKey: { name: 'orderId', type: 'S' },
  sortKey: { name: 'version', type: 'N' },
  ttlAttribute: 'expiresAt',
};
const HISTORY_TABLE = { name: TABLE.name, partitionKey: 'orderId', sortKey: 'version' };

function writer(history: Partial<StateHistory> = {}, reducer: 'merge' | 'replace' = 'merge') {
  return new StateHistoryWriter({ history: { table: TABLE.name, ...history }, table: TABLE, reducer });
}

function sinkEvent(value: unknown, offset = 7) {
  return decodeSinkEvent(decodeKafkaRecord(mskRecord({ topic: 'orders', partition: 1, offset, value })));
}

function envelope(after: Record<string, unknown>, ttlExpired = false) {
  return {
    op: 'c',
    key: { orderId: 'o-1' },
    before: null,
    after,
    source: {
      system: 'dynamodb',
      table: 'sb-order-events',
      region: 'us-east-1',
      eventId: 'ev-1',
      sequenceNumber: '100',
      ts_ms: T0 + 5,
      ttlExpired,
    },
    ts_ms: T0 + 9,
  };
}

interface Event {
  readonly version: number;
  readonly ts: number;
  readonly fields: Record<string, unknown>;
}

/** History entries as a reader gets them, from the items the writer builds for a run from version 1. */
function entriesOf(events: readonly Event[], snapshotEvery: number, reducer: 'merge' | 'replace') {
  const history = writer({ snapshotEvery, timestampField: 'ts' }, reducer);
  const run = events.map((e) => ({
    version: e.version,
    eventId: `o-1-v${e.version}`,
    fields: toSdkItem({ ...e.fields, version: e.version, ts: e.ts }),
    meta: history.meta(sinkEvent({ ...e.fields, version: e.version, ts: e.ts })),
  }));
  return history
    .items({ orderId: { S: 'o-1' } }, {}, run, 0)
    .map((put) => toHistoryEntry(unmarshall(put.item, { wrapNumbers: numberToJson }), HISTORY_TABLE));
}

/** The fold of the events themselves (never through history items): the expectation. */
function naiveFold(events: readonly Event[], upTo: (e: Event) => boolean, reducer: 'merge' | 'replace') {
  let state: Record<string, unknown> | undefined;
  for (const e of events) {
    if (!upTo(e)) continue;
    const fields = { ...e.fields, version: e.version, ts: e.ts };
    state = reducer === 'replace' || !state ? fields : { ...state, ...fields };
  }
  return state && { ...state, orderId: 'o-1' };
}

describe('StateHistoryWriter', () => {
  it('keeps who and what made each change, its time, its source and, on snapshot versions, the state', () => {
    // Prepare
    const history = writer({
      timestampField: 'ts',
      actorField: 'actor',
      causeField: 'type',
      snapshotEvery: 2,
      ttlSeconds: 3600,
    });
    const events = [
      { orderId: 'o-1', version: 1, status: 'created', amount: 10, actor: 'u-9', type: 'placed', ts: T0 },
      { orderId: 'o-1', version: 2, status: 'paid', actor: 'payments', type: 'paid', ts: T0 + 1000 },
    ];
    const run = events.map((fields, i) => ({
      version: i + 1,
      eventId: `e${i + 1}`,
      fields: toSdkItem(fields),
      meta: history.meta(sinkEvent(fields, 40 + i)),
    }));

    // Act
    const puts = history.items({ orderId: { S: 'o-1' } }, {}, run, 40);

    // Assess
    const items = puts.map((p) => unmarshall(p.item));
    expect(items[0]).toEqual({
      orderId: 'o-1',
      version: 1,
      sb_at: T0,
      sb_event_id: 'e1',
      sb_actor: 'u-9',
      sb_cause: 'placed',
      sb_source: 'kafka:orders/1/40',
      sb_change: events[0],
      expiresAt: T0 / 1000 + 3600,
    });
    expect(items[1]?.sb_state).toEqual({ ...events[0], ...events[1] });
    expect(puts.map((p) => p.offset)).toEqual([40, 40]);
  });

  it('names a change by its envelope: INSERT, the source table and event id, and DynamoDB for TTL deletes', () => {
    // Act
    const meta = unmarshall(writer().meta(sinkEvent(envelope({ orderId: 'o-1', version: 1 }))));
    const ttl = unmarshall(writer().meta(sinkEvent(envelope({ orderId: 'o-1', version: 1 }, true))));

    // Assess
    expect(meta).toEqual({ sb_at: T0 + 5, sb_cause: 'INSERT', sb_source: 'dynamodb:sb-order-events:ev-1' });
    expect(ttl.sb_actor).toBe('dynamodb.amazonaws.com');
  });

  it('uses the Kafka record time without a timestamp field, and refuses an unusable one', () => {
    // Act / Assess
    expect(unmarshall(writer().meta(sinkEvent({ orderId: 'o-1' }))).sb_at).toBe(T0);
    expect(() => writer({ timestampField: 'ts' }).meta(sinkEvent({ orderId: 'o-1' }))).toThrow(
      PoisonRecordError,
    );
    expect(() => writer({ timestampField: 'ts' }).meta(sinkEvent({ ts: 'soon' }))).toThrow(/not a time/);
  });
});

describe('foldAsOf', () => {
  const entries: HistoryEntry[] = [
    { version: 1, at: T0, change: { status: 'created', amount: 10 } },
    { version: 2, at: T0 + 1000, change: { status: 'paid' } },
    { version: 3, at: T0 + 2000, change: { status: 'shipped', carrier: 'ups' } },
  ];

  it('selects the newest version at or below a version, or made at or before a time', () => {
    // Act / Assess
    expect(selectVersion(entries, { version: 2 })).toBe(2);
    expect(selectVersion(entries, { version: 9 })).toBe(3);
    expect(selectVersion(entries, { at: T0 + 1999 })).toBe(2);
    expect(selectVersion(entries, { at: T0 + 2000 })).toBe(3);
    expect(selectVersion(entries, { at: T0 - 1 })).toBeUndefined();
  });

  it('folds the changes up to the selected version under the reducer, with the key', () => {
    // Act / Assess
    expect(foldAsOf(entries, { at: T0 + 1500 }, { key: { orderId: 'o-1' } })).toEqual({
      version: 2,
      at: T0 + 1000,
      state: { status: 'paid', amount: 10, orderId: 'o-1' },
      folded: 2,
    });
    expect(foldAsOf(entries, { version: 3 }, { reducer: 'replace' })?.state).toEqual({
      status: 'shipped',
      carrier: 'ups',
    });
    expect(foldAsOf(entries, { at: T0 - 1 })).toBeUndefined();
  });

  it('starts from the newest snapshot at or below the version, and needs nothing before it', () => {
    // Prepare
    const fromSnapshot: HistoryEntry[] = [
      { version: 10, at: T0, change: { status: 'paid' }, state: { status: 'paid', amount: 5 } },
      { version: 11, at: T0 + 1, change: { status: 'shipped' } },
    ];
    // Act
    const result = foldAsOf(fromSnapshot, { version: 11 });
    // Assess
    expect(result).toEqual({ version: 11, at: T0 + 1, state: { status: 'shipped', amount: 5 }, folded: 1 });
  });

  it('names a missing version rather than fold past it', () => {
    // Act / Assess
    expect(() => foldAsOf([entries[0], entries[2]] as HistoryEntry[], { version: 3 })).toThrow(
      HistoryGapError,
    );
    expect(() => foldAsOf([entries[1]] as HistoryEntry[], { version: 2 })).toThrow(/no version 1/);
  });

  it('equals the fold of the events for every version and time (property)', () => {
    const field = fc.constantFrom('status', 'amount', 'carrier', 'note');
    const events = fc
      .array(fc.tuple(fc.dictionary(field, fc.oneof(fc.integer(), fc.string())), fc.nat(5_000)), {
        minLength: 1,
        maxLength: 30,
      })
      .map((list) => {
        let ts = T0;
        return list.map(([fields, step], i): Event => {
          ts += step;
          return { version: i + 1, ts, fields };
        });
      });
    fc.assert(
      fc.property(
        events,
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'merge' | 'replace'>('merge', 'replace'),
        fc.array(fc.integer({ min: -1_000, max: 160_000 }), { maxLength: 8 }),
        (list, snapshotEvery, reducer, offsets) => {
          const history = entriesOf(list, snapshotEvery, reducer);
          for (const e of list) {
            const asOf = foldAsOf(history, { version: e.version }, { reducer, key: { orderId: 'o-1' } });
            expect(asOf?.state).toEqual(naiveFold(list, (x) => x.version <= e.version, reducer));
            expect(asOf?.folded).toBeLessThanOrEqual(snapshotEvery);
          }
          for (const offset of offsets) {
            const at = T0 + offset;
            const asOf = foldAsOf(history, { at }, { reducer, key: { orderId: 'o-1' } });
            expect(asOf?.state).toEqual(naiveFold(list, (x) => x.ts <= at, reducer));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
